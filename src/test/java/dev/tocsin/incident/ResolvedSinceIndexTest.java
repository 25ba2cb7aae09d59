package dev.tocsin.incident;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incidents resolved in the last 90 days (the status page's bars) are a range of the status index, not a walk
 * over every incident ever resolved (V18): the plan's index condition bounds resolved_at.
 */
class ResolvedSinceIndexTest extends ApiTest {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) throws IOException {
        ownDataDir(registry, "tocsin-resolved-since-test");
    }

    @Autowired
    DataSource dataSource;

    @Test
    void theResolutionsSinceADayAreARangeOfTheStatusIndex() throws Exception {
        for (int n = 0; n < 6; n++) {
            Http.Response r = api.post("/api/v1/incidents", """
                    {"title":"Past incident %d","service":"checkout","severity":"P2"}""".formatted(n));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            if (n % 3 != 0) {
                api.post("/api/v1/incidents/" + r.json().get("id").asLong() + "/resolve", "{}");
            }
        }
        String plan = plan(IncidentRepository.RESOLVED_SINCE.replace(":resolved", "?").replace(":since", "?"));

        if (plan.contains("Index Cond")) {
            // PostgreSQL: the condition the index itself answers, as opposed to a Filter on the rows it found.
            assertThat(plan).containsPattern("incident_state_status\\b.*\\n\\s*Index Cond: .*resolved_at >=");
        } else {
            // H2: the index with every condition it bounds, before the conditions checked on each row.
            String flat = plan.replaceAll("\\s+", " ");
            assertThat(flat).as(plan).containsPattern(
                    "incident_state_status: status = \\?1 AND resolved_at >= \\?2 \\*/");
        }
    }

    /** The plan of the query; on PostgreSQL with sequential scans off, since a test's tables are too small to index. */
    private String plan(String sql) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
            if (postgres) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET enable_seqscan = off");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
                ps.setString(1, IncidentStatus.RESOLVED.wire());
                ps.setObject(2, OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
                List<String> lines = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lines.add(rs.getString(1));
                    }
                }
                return String.join("\n", lines);
            } finally {
                if (postgres) {
                    try (Statement s = c.createStatement()) {
                        s.execute("RESET enable_seqscan");
                    }
                }
            }
        }
    }
}
