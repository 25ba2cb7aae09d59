package dev.tocsin.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.ConflictException;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.NotFoundException;
import dev.tocsin.text.Sha256;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * API keys: from the config file (by SHA-256), the bootstrap admin key from {@code TOCSIN_ADMIN_KEY}, and keys
 * created through the API. Only hashes are stored; a created key's secret is shown once.
 */
@Service
public class ApiKeyService {

    public record KeyInfo(long id, String name, String prefix, String scope, String user, Instant createdAt,
                          Instant revokedAt) {
    }

    public record CreatedKey(KeyInfo key, String secret) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiKeyRepository repository;
    private final Timeline timeline;
    private final TocsinConfig config;
    private final Clock clock;
    private final Map<String, ApiKeyPrincipal> fixedKeys = new HashMap<>();

    ApiKeyService(ApiKeyRepository repository, Timeline timeline, TocsinConfig config, Clock clock,
                  @Value("${tocsin.admin-key:}") String bootstrapAdminKey) {
        this.repository = repository;
        this.timeline = timeline;
        this.config = config;
        this.clock = clock;
        for (TocsinConfig.ApiKey k : config.apiKeys()) {
            fixedKeys.put(k.sha256(), new ApiKeyPrincipal(k.name(), Scope.fromWire(k.scope()).orElseThrow(), k.user()));
        }
        if (bootstrapAdminKey != null && !bootstrapAdminKey.isBlank()) {
            fixedKeys.put(Sha256.hex(bootstrapAdminKey), new ApiKeyPrincipal("bootstrap-admin", Scope.ADMIN, null));
        }
    }

    public Optional<ApiKeyPrincipal> authenticate(String secret) {
        if (secret == null || secret.isBlank() || secret.length() > 200) {
            return Optional.empty();
        }
        String hash = Sha256.hex(secret);
        ApiKeyPrincipal fixed = fixedKeys.get(hash);
        if (fixed != null) {
            return Optional.of(fixed);
        }
        return repository.findActiveByHash(hash).map(k -> new ApiKeyPrincipal(k.name(), k.scope(), k.userId()));
    }

    @Transactional
    public CreatedKey create(String name, String scope, String userId, Actor actor) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,99}")) {
            throw new InvalidInputException("name", "expected lower-case letters, digits, '.', '_' or '-' (1-100)");
        }
        Scope s = Scope.fromWire(scope).orElseThrow(() -> new InvalidInputException("scope", "expected calendar, read, write or admin"));
        if (userId != null && config.user(userId).isEmpty()) {
            throw new InvalidInputException("user", "unknown user '" + userId + "'");
        }
        if (userId != null && config.user(userId).get().isObserver() && s.compareTo(Scope.READ) > 0) {
            // The key's changes would be on the timeline as the observer, who may change nothing.
            throw new InvalidInputException("scope", "the key acts for '" + userId + "', an observer, who may only read: "
                    + "expected read or calendar");
        }
        timeline.lock();
        // The name is who the timeline says acted (api-key:NAME) and whose rate limit a request counts against: two
        // keys in use under one name could not be told apart. Rotate by creating the new key under a new name.
        boolean taken = fixedKeys.values().stream().anyMatch(k -> k.keyName().equals(name))
                || repository.list().stream().anyMatch(k -> k.revokedAt() == null && k.name().equals(name));
        if (taken) {
            throw new ConflictException("an API key named '" + name + "' is in use; choose another name (or revoke it first)");
        }
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        String secret = "tocsin_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String prefix = secret.substring(0, 12);
        Instant now = clock.instant();
        long id = repository.insert(name, prefix, Sha256.hex(secret), s, userId, now);
        timeline.append(new NewEvent("api_key.created", actor, null, null, null,
                Map.of("id", id, "name", name, "prefix", prefix, "scope", s.wire())));
        return new CreatedKey(new KeyInfo(id, name, prefix, s.wire(), userId, now, null), secret);
    }

    @Transactional(readOnly = true)
    public List<KeyInfo> list() {
        return repository.list().stream().map(ApiKeyService::info).toList();
    }

    @Transactional
    public KeyInfo revoke(long id, Actor actor) {
        timeline.lock();
        ApiKeyRepository.StoredKey key = repository.find(id)
                .orElseThrow(() -> new NotFoundException("API key " + id + " does not exist"));
        if (key.revokedAt() == null) {
            repository.revoke(id, clock.instant());
            timeline.append(new NewEvent("api_key.revoked", actor, null, null, null,
                    Map.of("id", id, "name", key.name(), "prefix", key.prefix())));
        }
        return info(repository.find(id).orElseThrow());
    }

    private static KeyInfo info(ApiKeyRepository.StoredKey k) {
        return new KeyInfo(k.id(), k.name(), k.prefix(), k.scope().wire(), k.userId(), k.createdAt(), k.revokedAt());
    }
}
