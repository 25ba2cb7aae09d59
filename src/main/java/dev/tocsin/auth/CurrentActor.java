package dev.tocsin.auth;

import java.util.Optional;

import dev.tocsin.timeline.Actor;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The actor of the current request, for the timeline. */
public final class CurrentActor {

    private CurrentActor() {
    }

    public static Actor get() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof ApiKeyPrincipal key) {
            return key.actor();
        }
        if (auth != null && auth.isAuthenticated() && auth.getName() != null && !"anonymousUser".equals(auth.getName())) {
            return Actor.user(auth.getName());
        }
        return Actor.system("anonymous");
    }

    /** The name of the current request's API key; empty for a signed-in person or an anonymous request. */
    public static Optional<String> apiKeyName() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getPrincipal() instanceof ApiKeyPrincipal key
                ? Optional.of(key.keyName()) : Optional.empty();
    }

    /** Whether the current request's API key has {@code scope} (or a scope that includes it). */
    public static boolean has(Scope scope) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getAuthorities().stream()
                .anyMatch(a -> scope.authority().equals(a.getAuthority()));
    }
}
