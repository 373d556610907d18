package com.vpsie.autoscaler;

public final class Main {
    public static void main(String[] args) {
        System.out.println("vpsie-autoscaler");
    }
}
