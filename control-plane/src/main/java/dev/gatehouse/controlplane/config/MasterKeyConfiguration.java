package dev.gatehouse.controlplane.config;

import dev.gatehouse.pki.seal.MasterKey;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The master key as a bean, loaded (or generated) once at start-up. */
@Configuration(proxyBeanMethods = false)
class MasterKeyConfiguration {

    @Bean
    MasterKey masterKey(GatehouseSettings settings) {
        return MasterKeyFile.load(settings);
    }
}
