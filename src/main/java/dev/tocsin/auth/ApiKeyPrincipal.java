package dev.tocsin.auth;

import dev.tocsin.timeline.Actor;

/** The caller behind an API key: the key's name, its scope, and the user it acts for, if any. */
public record ApiKeyPrincipal(String keyName, Scope scope, String userId) {

    public Actor actor() {
        return userId != null ? Actor.user(userId) : Actor.apiKey(keyName);
    }
}
