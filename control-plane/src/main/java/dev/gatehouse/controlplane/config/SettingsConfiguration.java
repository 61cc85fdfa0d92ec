package dev.gatehouse.controlplane.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds {@link GatehouseSettings}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatehouseSettings.class)
class SettingsConfiguration {}
