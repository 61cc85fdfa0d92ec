package dev.gatehouse.controlplane.bastion;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.InvalidSettingException;
import org.springframework.stereotype.Component;

/**
 * A standalone bastion node needs the control plane over authenticated HTTP, which this release does not have yet:
 * starting with {@code gatehouse.role=bastion} stops at once with that said, instead of quietly running a gateway
 * without its bastion.
 */
@Component
final class StandaloneRoleCheck {

    StandaloneRoleCheck(GatehouseSettings settings) {
        if (settings.role() == GatehouseSettings.Role.BASTION) {
            throw new InvalidSettingException("gatehouse.role", "all-in-one, control-plane",
                    "a standalone bastion node (role bastion) is not available in this release; run the all-in-one,"
                            + " which serves SSH in the same process as the control plane");
        }
    }
}
