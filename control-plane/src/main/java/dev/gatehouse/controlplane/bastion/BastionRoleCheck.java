package dev.gatehouse.controlplane.bastion;

import dev.gatehouse.controlplane.config.GatehouseSettings;
import dev.gatehouse.controlplane.config.InvalidSettingException;
import org.springframework.stereotype.Component;

/**
 * A bastion node is its own small application ({@code dev.gatehouse.node.BastionNode}, chosen by the launcher's
 * main): this application started with {@code gatehouse.role=bastion} would be a control plane without one, so it
 * stops saying how to start a node.
 */
@Component
final class BastionRoleCheck {

    BastionRoleCheck(GatehouseSettings settings) {
        if (settings.role() == GatehouseSettings.Role.BASTION) {
            throw new InvalidSettingException("gatehouse.role", "all-in-one, control-plane",
                    "a bastion node is started by the launcher's main (./gatehouse start --gatehouse.role=bastion,"
                            + " or java -jar gatehouse-exec.jar --gatehouse.role=bastion), not inside this application");
        }
    }
}
