package dev.gatehouse.controlplane.accessrequests;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code gatehouse.access-requests.*}: the longest grant ({@code maxMinutes}, a role may name less), how many requests
 * one person may have waiting ({@code maxPendingPerPerson}), and how often lapsed grants are closed and the sessions
 * that needed them ended ({@code sweepInterval}). {@code minute} is how long one requested minute lasts: one minute,
 * except in tests that ask for a shorter one to watch a grant end.
 */
@ConfigurationProperties("gatehouse.access-requests")
@Validated
public record AccessRequestSettings(
        @Min(1) @Max(7 * 24 * 60) @DefaultValue("480") int maxMinutes,
        @Min(1) @Max(100) @DefaultValue("3") int maxPendingPerPerson,
        @NotNull @DurationMin(seconds = 1) @DurationMax(minutes = 1) @DefaultValue("1m") Duration minute,
        @NotNull @DurationMin(millis = 100) @DurationMax(minutes = 10) @DefaultValue("10s") Duration sweepInterval) {}
