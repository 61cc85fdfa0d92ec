package dev.gatehouse.controlplane.bastion;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Resolves a bare forward's destination name, once: what it answers is what the policy checks and what is dialled. */
@FunctionalInterface
public interface NameResolver {

    /** The system resolver (DNS, {@code /etc/hosts}). */
    NameResolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String name) throws UnknownHostException;
}
