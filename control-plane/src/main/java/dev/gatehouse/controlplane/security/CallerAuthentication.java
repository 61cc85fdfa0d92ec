package dev.gatehouse.controlplane.security;

import java.util.List;
import java.util.Objects;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated {@link Caller}: its scope becomes the one authority the URL rules look at. */
public final class CallerAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;

    public CallerAuthentication(Caller caller) {
        super(caller.scope() == null ? List.of() : List.of(new SimpleGrantedAuthority(caller.scope().authority())));
        this.caller = Objects.requireNonNull(caller, "caller");
        setAuthenticated(true);
    }

    public Caller caller() {
        return caller;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return caller;
    }

    @Override
    public String getName() {
        return caller.name();
    }
}
