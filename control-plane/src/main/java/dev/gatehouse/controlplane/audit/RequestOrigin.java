package dev.gatehouse.controlplane.audit;

import dev.gatehouse.controlplane.security.Caller;
import dev.gatehouse.controlplane.security.CallerAuthentication;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** The actor and source address of the request being served, for audit events. */
public final class RequestOrigin {

    private RequestOrigin() {}

    /** The caller's audit name, {@code anonymous} when unauthenticated, {@code system} outside a request. */
    public static String actor() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof CallerAuthentication c) {
            Caller caller = c.caller();
            return caller.name();
        }
        return currentRequest() == null ? "system" : "anonymous";
    }

    public static String sourceAddress() {
        HttpServletRequest request = currentRequest();
        return request == null ? null : request.getRemoteAddr();
    }

    private static HttpServletRequest currentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? attributes.getRequest() : null;
    }
}
