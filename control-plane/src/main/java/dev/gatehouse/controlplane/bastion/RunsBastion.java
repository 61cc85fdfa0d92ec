package dev.gatehouse.controlplane.bastion;

import dev.gatehouse.controlplane.config.GatehouseSettings.Role;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** True when this process's role includes the bastion: the all-in-one (the default). */
public final class RunsBastion implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Role role = Binder.get(context.getEnvironment()).bind("gatehouse.role", Role.class).orElse(Role.ALL_IN_ONE);
        return role == Role.ALL_IN_ONE;
    }
}
