package dev.tocsin.auth;

import java.time.Instant;

import dev.tocsin.jdbc.SqlTime;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Failed sign-ins at the form, per user name and client address (V26). */
@Repository
class SignInFailureRepository {

    /** A name's failures since some time: from every address, and from one of them. */
    record Counts(int byName, int byClient) {
    }

    private final JdbcClient jdbc;

    SignInFailureRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Counts since(SignInSource source, Instant since) {
        return jdbc.sql("""
                SELECT COUNT(*) AS by_name,
                       COALESCE(SUM(CASE WHEN client_address = :client THEN 1 ELSE 0 END), 0) AS by_client
                FROM sign_in_failure WHERE user_name = :name AND failed_at > :since""")
                .param("name", source.userName()).param("client", source.clientAddress())
                .param("since", SqlTime.param(since))
                .query((rs, row) -> new Counts(rs.getInt("by_name"), rs.getInt("by_client"))).single();
    }

    /** Returns the new row's id. */
    long insert(SignInSource source, Instant at) {
        KeyHolder id = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO sign_in_failure (user_name, client_address, failed_at) VALUES (:name, :client, :at)")
                .param("name", source.userName()).param("client", source.clientAddress()).param("at", SqlTime.param(at))
                .update(id, "id");
        return id.getKeyAs(Long.class);
    }

    void delete(long id) {
        jdbc.sql("DELETE FROM sign_in_failure WHERE id = :id").param("id", id).update();
    }

    /** Forgets the failures of one name from one address. */
    void clear(SignInSource source) {
        jdbc.sql("DELETE FROM sign_in_failure WHERE user_name = :name AND client_address = :client")
                .param("name", source.userName()).param("client", source.clientAddress()).update();
    }

    /** Removes the failures from before {@code before}; returns how many. */
    int pruneBefore(Instant before) {
        return jdbc.sql("DELETE FROM sign_in_failure WHERE failed_at <= :before")
                .param("before", SqlTime.param(before)).update();
    }
}
