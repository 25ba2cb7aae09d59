package dev.tocsin.web;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.tocsin.auth.CurrentActor;
import dev.tocsin.config.TocsinConfig;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * The names every signed-in page may show: who is signed in (in the navigation; the timeline names them
 * {@code user:ID}) and in what role, every user's and every service's name by id, so pages say "Ana" and "Batch jobs",
 * not ids.
 */
@ControllerAdvice(assignableTypes = {UiController.class, IncidentListPage.class, ServicePages.class, MonitorPages.class,
        MaintenancePages.class})
class PageNames {

    private static final String PREFIX = "user:";

    /** The configuration is read once, at start, so the names are worked out once too. */
    private final Map<String, String> userNames;
    private final Map<String, TocsinConfig.UserRole> roles;
    private final Map<String, String> serviceNames;

    PageNames(TocsinConfig config) {
        Map<String, String> users = new LinkedHashMap<>();
        config.users().forEach(u -> users.put(u.id(), u.name() == null || u.name().isBlank() ? u.id() : u.name()));
        this.userNames = Collections.unmodifiableMap(users);
        Map<String, TocsinConfig.UserRole> roles = new LinkedHashMap<>();
        config.users().forEach(u -> roles.put(u.id(), u.role()));
        this.roles = Collections.unmodifiableMap(roles);
        Map<String, String> services = new LinkedHashMap<>();
        config.services().forEach(svc -> services.put(svc.id(), svc.name()));
        this.serviceNames = Collections.unmodifiableMap(services);
    }

    /** Every user's name by id (the id where the configuration gives no name). */
    @ModelAttribute("names")
    Map<String, String> names() {
        return userNames;
    }

    /** Every service's name by id. */
    @ModelAttribute("serviceNames")
    Map<String, String> serviceNames() {
        return serviceNames;
    }

    /** The person's name, or null on the sign-in page. */
    @ModelAttribute("user")
    String user() {
        String id = signedIn();
        return id == null ? null : userNames.getOrDefault(id, id);
    }

    /** The person's role ({@code responder}, {@code observer}), shown beside their name; null on the sign-in page. */
    @ModelAttribute("role")
    String role() {
        String id = signedIn();
        return id == null ? null : roles.getOrDefault(id, TocsinConfig.UserRole.RESPONDER).wire();
    }

    /**
     * Whether the page shows its forms. An observer's would only be refused (the server refuses them whatever the page
     * shows: SecurityConfiguration), so the page leaves them out rather than offer what cannot be done.
     */
    @ModelAttribute("canAct")
    boolean canAct() {
        String id = signedIn();
        return id != null && roles.getOrDefault(id, TocsinConfig.UserRole.RESPONDER) == TocsinConfig.UserRole.RESPONDER;
    }

    private static String signedIn() {
        String actor = CurrentActor.get().value();
        return actor.startsWith(PREFIX) ? actor.substring(PREFIX.length()) : null;
    }
}
