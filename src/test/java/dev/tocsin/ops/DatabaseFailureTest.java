package dev.tocsin.ops;

import java.nio.file.Path;

import dev.tocsin.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A database that cannot be opened stops start-up with a short message naming it, not a page of stack trace. */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseFailureTest {

    @Test
    void aDatabaseThatCannotBeOpenedIsNamedInTheStartUpFailure(@TempDir Path data, CapturedOutput output) {
        String url = "jdbc:h2:file:" + data + "/tocsin;CACHE_SIZE=lots;PASSWORD=hunter2";

        assertThatThrownBy(() -> TestNodes.start(data, null, "--spring.datasource.url=" + url)).isNotNull();

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START", "Tocsin could not open its database jdbc:h2:file:",
                        "CACHE_SIZE", "Check TOCSIN_DB_URL")
                .doesNotContain("hunter2");
    }

    @Test
    void passwordsInTheUrlAreNotRepeated() {
        assertThat(DatabaseFailureAnalyzer.withoutSecrets("jdbc:postgresql://db:5432/tocsin?user=t&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/tocsin?user=t&password=****&ssl=true");
        assertThat(DatabaseFailureAnalyzer.withoutSecrets("jdbc:postgresql://t:s3cret@db/tocsin"))
                .isEqualTo("jdbc:postgresql://t:****@db/tocsin");
        assertThat(DatabaseFailureAnalyzer.withoutSecrets("jdbc:h2:file:./data/tocsin;WRITE_DELAY=0"))
                .isEqualTo("jdbc:h2:file:./data/tocsin;WRITE_DELAY=0");
    }
}
