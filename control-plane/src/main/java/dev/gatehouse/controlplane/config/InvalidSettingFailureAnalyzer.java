package dev.gatehouse.controlplane.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an {@link InvalidSettingException} into Spring Boot's start-up failure report. */
final class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingException cause) {
        return new FailureAnalysis("The setting " + cause.setting() + " is invalid: " + cause.getMessage(),
                "Set " + cause.setting() + " (or its GATEHOUSE_... environment variable) to " + cause.accepted() + ".",
                cause);
    }
}
