package dev.tocsin.auth;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.tocsin.jdbc.SqlTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

@Repository
class ApiKeyRepository {

    record StoredKey(long id, String name, String prefix, Scope scope, String userId, Instant createdAt, Instant revokedAt) {
    }

    private final JdbcClient jdbc;

    ApiKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<StoredKey> findActiveByHash(String hash) {
        return jdbc.sql("SELECT * FROM api_key WHERE key_hash = :hash AND revoked_at IS NULL")
                .param("hash", hash).query(ApiKeyRepository::map).optional();
    }

    long insert(String name, String prefix, String hash, Scope scope, String userId, Instant at) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("""
                INSERT INTO api_key (name, prefix, key_hash, scope, user_id, created_at)
                VALUES (:name, :prefix, :hash, :scope, :user, :at)""")
                .param("name", name).param("prefix", prefix).param("hash", hash).param("scope", scope.wire())
                .param("user", userId).param("at", SqlTime.param(at))
                .update(key, "id");
        return key.getKeyAs(Long.class);
    }

    List<StoredKey> list() {
        return jdbc.sql("SELECT * FROM api_key ORDER BY id").query(ApiKeyRepository::map).list();
    }

    Optional<StoredKey> find(long id) {
        return jdbc.sql("SELECT * FROM api_key WHERE id = :id").param("id", id).query(ApiKeyRepository::map).optional();
    }

    void revoke(long id, Instant at) {
        jdbc.sql("UPDATE api_key SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
                .param("at", SqlTime.param(at)).param("id", id).update();
    }

    private static StoredKey map(ResultSet rs, int row) throws SQLException {
        return new StoredKey(rs.getLong("id"), rs.getString("name"), rs.getString("prefix"),
                Scope.fromWire(rs.getString("scope")).orElseThrow(), rs.getString("user_id"),
                SqlTime.read(rs, "created_at"), SqlTime.read(rs, "revoked_at"));
    }
}
