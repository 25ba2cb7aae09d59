package dev.tocsin.web;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.tocsin.auth.CurrentActor;
import dev.tocsin.config.TocsinConfig;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * The names every signed-in page may show: who is signed in (in the navigation; the timeline names them
 * {@code user:ID}), every user's and every service's name by id, so pages say "Ana" and "Batch jobs", not ids.
 */
@ControllerAdvice(assignableTypes = {UiController.class, IncidentListPage.class, ServicePages.class, MonitorPages.class,
        MaintenancePages.class})
class PageNames {

    private static final String PREFIX = "user:";

    private final TocsinConfig config;

    PageNames(TocsinConfig config) {
        this.config = config;
    }

    /** Every user's name by id (the id where the configuration gives no name). */
    @ModelAttribute("names")
    Map<String, String> names() {
        Map<String, String> names = new LinkedHashMap<>();
        config.users().forEach(u -> names.put(u.id(), u.name() == null || u.name().isBlank() ? u.id() : u.name()));
        return names;
    }

    /** Every service's name by id. */
    @ModelAttribute("serviceNames")
    Map<String, String> serviceNames() {
        Map<String, String> names = new LinkedHashMap<>();
        config.services().forEach(s -> names.put(s.id(), s.name()));
        return names;
    }

    /** The person's name, or null on the sign-in page. */
    @ModelAttribute("user")
    String user() {
        String actor = CurrentActor.get().value();
        if (!actor.startsWith(PREFIX)) {
            return null;
        }
        String id = actor.substring(PREFIX.length());
        return names().getOrDefault(id, id);
    }
}
