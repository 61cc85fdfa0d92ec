package dev.gatehouse.controlplane;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The gatehouse distribution: control plane, and in the all-in-one role the bastion too. */
@SpringBootApplication
public class GatehouseApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatehouseApplication.class, args);
    }
}
