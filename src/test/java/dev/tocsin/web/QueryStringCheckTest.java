package dev.tocsin.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class QueryStringCheckTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "none", value = {
            "status=triggered&limit=5, none",
            "q=a+b%20c, none",
            "q=%E2%82%AC, none",                  // €
            "flag&other=, none",
            "'', none",
            "q=%E2%82, q",                        // a truncated UTF-8 sequence
            "a=1&q=%C3%28, q",                    // an invalid continuation byte
            "q=%ZZ, q",
            "q=100%, q",
            "q=%4, q",
            "%ZZ=1, %ZZ"})
    void namesTheFirstParameterThatDoesNotDecode(String query, String malformed) {
        assertThat(QueryStringCheck.firstMalformedParameter(query)).isEqualTo(malformed);
    }
}
