package dev.tocsin.ops;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import dev.tocsin.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A database a newer Tocsin has migrated is refused by an older jar at start, with a sentence saying so. Otherwise the
 * older jar starts, and then fails request by request on columns and tables it does not know, or writes rows the
 * newer schema's rules were meant to prevent.
 */
@ExtendWith(OutputCaptureExtension.class)
class NewerSchemaTest {

    @Test
    void aDatabaseMigratedByANewerTocsinIsRefusedAtStartNamingBothVersions(@TempDir Path data, CapturedOutput output)
            throws Exception {
        TestNodes.start(data, null).close();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data + "/tocsin;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
             Statement s = c.createStatement()) {
            s.executeUpdate("""
                    INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,
                        installed_by, installed_on, execution_time, success)
                    SELECT MAX(installed_rank) + 1, '999', 'from the future', 'SQL', 'V999__from_the_future.sql', 1,
                        'sa', CURRENT_TIMESTAMP, 1, TRUE FROM flyway_schema_history""");
        }

        assertThatThrownBy(() -> TestNodes.start(data, null)).isNotNull();

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START", "newer Tocsin", "999", "backup")
                .doesNotContain("\tat org.flywaydb");
    }
}
