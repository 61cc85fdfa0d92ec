package dev.gatehouse.controlplane.config;

import dev.gatehouse.pki.seal.MasterKey;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The master key as a bean, loaded (or generated) once at start-up. */
@Configuration(proxyBeanMethods = false)
class MasterKeyConfiguration {

    // The first bean that touches the disk: the data directory is made owner-only before anything is written in it.
    @Bean
    MasterKey masterKey(GatehouseSettings settings) throws IOException {
        OwnerOnly.directory(settings.dataDir());
        return MasterKeyFile.load(settings);
    }
}
