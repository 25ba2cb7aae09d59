package dev.tocsin.web;

import java.time.Instant;
import java.text.ParseException;
import java.util.Locale;

import dev.tocsin.jdbc.SqlTime;
import org.springframework.core.convert.converter.Converter;
import org.springframework.format.datetime.standard.InstantFormatter;
import org.springframework.stereotype.Component;

/**
 * Reads an instant from a request parameter ({@code ?since=}, {@code ?at=}) as Spring's own formatter does, and refuses
 * one outside {@link SqlTime#RANGE}: {@code ?since=+300000-01-01T00:00:00Z} failed the query on PostgreSQL, as a 500.
 * Spring Boot registers converter beans with Spring MVC after its own formatters, so this one is asked first.
 */
@Component
class InstantParameter implements Converter<String, Instant> {

    private final InstantFormatter formatter = new InstantFormatter();

    @Override
    public Instant convert(String text) {
        if (text.isBlank()) {
            return null;
        }
        Instant at;
        try {
            at = formatter.parse(text.strip(), Locale.ROOT);
        } catch (ParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (!SqlTime.inRange(at)) {
            throw new IllegalArgumentException("not " + SqlTime.RANGE);
        }
        return at;
    }
}
