package dev.gatehouse.sshproxy.session;

import java.time.Instant;

/** A session this node keeps for re-attach, as other nodes need to know it: whose, where, since when. */
public record DetachedSession(String sessionId, String username, String login, String host, Instant detachedAt) {}
