package dev.tocsin.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class QueryStringCheckTest {

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(nullValues = "none", value = {
            "status=triggered&limit=5, none, none",
            "q=a+b%20c, none, none",
            "q=%E2%82%AC, none, none",                           // €
            "flag&other=, none, none",
            "'', none, none",
            "q=%E2%82, q, is not valid percent-encoded UTF-8",    // a truncated UTF-8 sequence
            "a=1&q=%C3%28, q, is not valid percent-encoded UTF-8", // an invalid continuation byte
            "q=%ZZ, q, is not valid percent-encoded UTF-8",
            "q=100%, q, is not valid percent-encoded UTF-8",
            "q=%4, q, is not valid percent-encoded UTF-8",
            "%ZZ=1, %ZZ, is not valid percent-encoded UTF-8",
            "a=ok&service=check%00out, service, contains a NUL character"})
    void namesTheFirstParameterThatDoesNotDecode(String query, String name, String problem) {
        QueryStringCheck.Malformed found = QueryStringCheck.firstMalformed(query);
        if (name == null) {
            assertThat(found).isNull();
        } else {
            assertThat(found).isEqualTo(new QueryStringCheck.Malformed(name, problem));
        }
    }
}
