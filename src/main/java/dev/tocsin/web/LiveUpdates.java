package dev.tocsin.web;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.tocsin.incident.IncidentEvent;
import dev.tocsin.monitor.MonitorLevelChanged;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live pages: signed-in browsers keep one server-sent event stream open and hear "incident" (with its id) once a
 * change to an incident has committed, and "monitor" when a monitor changes level; the page then fetches its fresh
 * HTML (a few lines of script in the templates, no build step). Per node: a browser hears the changes its node
 * makes or sees, and reloads the rest on its 30-second refresh.
 */
@Controller
class LiveUpdates {

    /** An open stream and the session of the person who opened it: once it has ended (signed out), so does the stream. */
    private record Stream(SseEmitter emitter, HttpSession session) {

        boolean signedIn() {
            if (session == null) {
                return false;
            }
            try {
                session.getCreationTime(); // an invalidated session (signed out, expired) refuses this
                return true;
            } catch (IllegalStateException invalidated) {
                return false;
            }
        }
    }

    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private volatile boolean closing;

    @GetMapping(value = "/ui/events", produces = "text/event-stream")
    @ResponseBody
    SseEmitter events(HttpServletRequest request) throws IOException {
        if (closing) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "this node is stopping");
        }
        SseEmitter emitter = new SseEmitter(0L);
        Stream stream = new Stream(emitter, request.getSession(false));
        streams.add(stream);
        emitter.onCompletion(() -> streams.remove(stream));
        emitter.onTimeout(() -> streams.remove(stream));
        emitter.onError(e -> streams.remove(stream));
        emitter.send(SseEmitter.event().name("hello").data("{}"));
        return emitter;
    }

    /**
     * A stopping node ends its streams before anything else stops. Tomcat's graceful shutdown waits for every request
     * in progress, and a stream never ends by itself: one open page held a node's stop for the whole shutdown phase
     * (20 s). Browsers reconnect on their own, to another node or to this one once it is back.
     */
    @EventListener(ContextClosedEvent.class)
    void endStreams() {
        closing = true;
        for (Stream stream : streams) {
            stream.emitter().complete();
        }
        streams.clear();
    }

    /** After the commit, never before: a page that refetches must find the change. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void incidentChanged(IncidentEvent e) {
        broadcast("incident", Map.of("id", e.incidentId()));
    }

    @EventListener
    void monitorChanged(MonitorLevelChanged e) {
        broadcast("monitor", Map.of("id", e.monitorId(), "level", e.level()));
    }

    private void broadcast(String name, Map<String, Object> data) {
        for (Stream stream : streams) {
            if (!stream.signedIn()) {
                // Signed out (in another tab) or expired: the browser hears nothing more, and reconnecting it meets
                // the sign-in page.
                streams.remove(stream);
                stream.emitter().complete();
                continue;
            }
            try {
                stream.emitter().send(SseEmitter.event().name(name).data(data));
            } catch (IOException | IllegalStateException gone) {
                streams.remove(stream);
            }
        }
    }
}
