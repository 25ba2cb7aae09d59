package dev.tocsin.oncall;

import java.util.Optional;

import dev.tocsin.auth.AcknowledgeLinks;
import dev.tocsin.incident.Incident;
import dev.tocsin.incident.IncidentService;
import dev.tocsin.incident.IncidentStatus;
import dev.tocsin.problem.ConflictException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The "Acknowledge" link in a message: the signed token names the incident and the paged user (or the channel), so
 * the person can acknowledge from their phone without signing in. Opening the link only shows a button; the acknowledgement is the
 * POST, because mail scanners and chat previews open every link they see.
 */
@RestController
class AckLinkController {

    private final AcknowledgeLinks links;
    private final IncidentService incidents;

    AckLinkController(AcknowledgeLinks links, IncidentService incidents) {
        this.links = links;
        this.incidents = incidents;
    }

    @GetMapping(value = "/ack/{token}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> confirm(@PathVariable String token) {
        Optional<AcknowledgeLinks.Link> link = links.verify(token);
        if (link.isEmpty()) {
            return invalid();
        }
        Incident incident = incidents.get(link.get().incidentId());
        String body = describe(incident) + (incident.status() == IncidentStatus.TRIGGERED
                ? "<form method=\"post\"><button type=\"submit\" autofocus>Acknowledge</button></form>"
                : "<p>Nothing to do: it is " + incident.status().wire() + ".</p>");
        return page(HttpStatus.OK, "Acknowledge incident #" + incident.id(), body);
    }

    @PostMapping(value = "/ack/{token}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> acknowledge(@PathVariable String token) {
        Optional<AcknowledgeLinks.Link> link = links.verify(token);
        if (link.isEmpty()) {
            return invalid();
        }
        Incident incident = incidents.get(link.get().incidentId());
        if (incident.status() != IncidentStatus.TRIGGERED) {
            return already(incident);
        }
        Incident acknowledged;
        try {
            acknowledged = incidents.acknowledge(incident.id(), link.get().actor());
        } catch (ConflictException someoneElseFirst) {
            // Two people paged at once pressed at once: the other was first, which is what this one wanted.
            return already(incidents.get(incident.id()));
        }
        return page(HttpStatus.OK, "Acknowledged incident #" + incident.id(), describe(acknowledged)
                + "<p>Acknowledged. Escalation has stopped.</p>");
    }

    private static ResponseEntity<String> already(Incident incident) {
        return page(HttpStatus.OK, "Incident #" + incident.id(), describe(incident)
                + "<p>Already " + incident.status().wire() + ": nothing changed.</p>");
    }

    private static String describe(Incident incident) {
        return "<h1>#" + incident.id() + " " + HtmlUtils.htmlEscape(incident.title()) + "</h1><p>"
                + HtmlUtils.htmlEscape(incident.severity()) + " · " + HtmlUtils.htmlEscape(incident.serviceId()) + " · "
                + incident.status().wire() + "</p>";
    }

    private static ResponseEntity<String> invalid() {
        return page(HttpStatus.GONE, "Link not valid", "<h1>This link is not valid</h1>"
                + "<p>It has expired or was changed. Acknowledge the incident in Tocsin instead.</p>");
    }

    private static ResponseEntity<String> page(HttpStatus status, String title, String body) {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + HtmlUtils.htmlEscape(title)
                // A stylesheet of its own, not inline: the Content-Security-Policy allows no inline style.
                + "</title><link rel=\"stylesheet\" href=\"/css/ack.css\"></head><body>" + body + "</body></html>";
        return ResponseEntity.status(status).cacheControl(CacheControl.noStore()).contentType(MediaType.TEXT_HTML).body(html);
    }
}
