package dev.tocsin.web;

import dev.tocsin.auth.CurrentActor;
import dev.tocsin.config.TocsinConfig;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Who is signed in, named in the navigation of every signed-in page (the timeline names them {@code user:ID}). */
@ControllerAdvice(assignableTypes = {UiController.class, IncidentListPage.class, ServicePages.class, MonitorPages.class,
        MaintenancePages.class})
class SignedInUser {

    private static final String PREFIX = "user:";

    private final TocsinConfig config;

    SignedInUser(TocsinConfig config) {
        this.config = config;
    }

    /** The person's name, or null on the sign-in page. */
    @ModelAttribute("user")
    String user() {
        String actor = CurrentActor.get().value();
        if (!actor.startsWith(PREFIX)) {
            return null;
        }
        String id = actor.substring(PREFIX.length());
        return config.user(id).map(TocsinConfig.User::name).filter(name -> !name.isBlank()).orElse(id);
    }
}
