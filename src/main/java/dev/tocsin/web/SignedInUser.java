package dev.tocsin.web;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.tocsin.auth.CurrentActor;
import dev.tocsin.config.TocsinConfig;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * Who is signed in, named in the navigation of every signed-in page (the timeline names them {@code user:ID}), and
 * everyone's name by id, for the pages that say who is on call.
 */
@ControllerAdvice(assignableTypes = {UiController.class, IncidentListPage.class, ServicePages.class, MonitorPages.class,
        MaintenancePages.class})
class SignedInUser {

    private static final String PREFIX = "user:";

    private final TocsinConfig config;

    SignedInUser(TocsinConfig config) {
        this.config = config;
    }

    /** Every user's name by id (the id where the configuration gives no name). */
    @ModelAttribute("names")
    Map<String, String> names() {
        Map<String, String> names = new LinkedHashMap<>();
        config.users().forEach(u -> names.put(u.id(), u.name() == null || u.name().isBlank() ? u.id() : u.name()));
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
