package dev.tocsin.jdbc;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code JdbcClient} every repository uses: Spring's, except that each statement first sends the writes its
 * transaction has waiting ({@link DeferredWrites}), so that no statement can miss them.
 */
@Configuration(proxyBeanMethods = false)
class JdbcConfiguration {

    @Bean
    DeferredWrites deferredWrites(NamedParameterJdbcTemplate jdbc) {
        return new DeferredWrites(jdbc);
    }

    @Bean
    JdbcClient jdbcClient(NamedParameterJdbcTemplate jdbc, DeferredWrites deferred) {
        JdbcClient client = JdbcClient.create(jdbc);
        return sql -> {
            deferred.flush();
            return client.sql(sql);
        };
    }
}
