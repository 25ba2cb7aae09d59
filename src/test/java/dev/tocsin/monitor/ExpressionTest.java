package dev.tocsin.monitor;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The condition language against seed 000's deep-health document and seed 003's data freshness. */
class ExpressionTest {

    private static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
    private static final JsonNode DEEP = JsonMapper.builder().build().readTree("""
            {"status": "degraded", "production_ready": false,
             "open_circuits": ["discord", "openai"], "degraded_services": ["discord"],
             "memory": {"percent": 91.5, "used_mb": 466},
             "database": {"status": "up", "latency_ms": 3},
             "data_status": {"last_sync_at": "2026-03-01T06:00:00Z", "epoch": 1772366400},
             "weird key": {"a.b": 1}, "empty": [], "flag": true}""");

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiterString = " :: ", value = {
            "$.status == \"healthy\" :: false",
            "$.status != 'healthy' :: true",
            "len($.open_circuits) >= 2 :: true",
            "len($.open_circuits) > 2 :: false",
            "$.memory.percent > 70 :: true",
            "$.memory.percent > 85 && $.database.status == \"up\" :: true",
            "$.memory.percent > 95 || $.production_ready :: false",
            "!$.production_ready :: true",
            "age($.data_status.last_sync_at) > 24h :: true",
            "age($.data_status.last_sync_at) > 31h :: false",
            "age($.data_status.epoch) >= 1d :: true",
            "$.open_circuits[0] == \"discord\" :: true",
            "$[\"weird key\"][\"a.b\"] == 1 :: true",
            "$.missing.deeper == null :: true",
            "$.missing > 3 :: false",
            "exists($.memory.percent) :: true",
            "exists($.memory.nope) :: false",
            "$.status > 3 :: false",
            "len($.empty) == 0 :: true",
            "$.flag :: true",
            "$.database.latency_ms <= 3.0 :: true",
            "-1 < $.database.latency_ms :: true",
            "(($.flag)) :: true"})
    void conditionsOverTheDeepHealthDocument(String text, boolean expected) {
        assertThat(Expression.parse(text).test(DEEP, NOW)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " :: ", value = {
            "$.status == :: 12 :: expected a value at the end",
            "len($.x >= 2 :: 13 :: expected ')' at the end",
            "$.status = 'up' :: 10 :: unexpected '= 'up''",
            "size($.x) > 1 :: 1 :: unknown name 'size'",
            "$.x > 24q :: 7 :: expected a number or a duration",
            "$.x == \"open :: 8 :: unterminated string",
            "$. :: 3 :: expected a field name after '.'",
            "exists(3) :: 1 :: exists() takes a path",
            "$[x] :: 3 :: expected an index or a quoted name"})
    void syntaxErrorsNameTheirColumn(String text, int column, String message) {
        assertThatThrownBy(() -> Expression.parse(text.strip()))
                .isInstanceOfSatisfying(Expression.ParseException.class, e -> {
                    assertThat(e.column).isEqualTo(column);
                    assertThat(e.getMessage()).startsWith("at column " + column + ": ").contains(message);
                });
    }

    @Test
    void anEmptyConditionIsRefused() {
        assertThatThrownBy(() -> Expression.parse(" ")).hasMessageContaining("empty condition");
    }

    @Test
    void theValueOfAnExpressionIsReportable() {
        assertThat(Expression.parse("$.memory.percent").value(DEEP, NOW).toString()).isEqualTo("91.5");
    }
}
