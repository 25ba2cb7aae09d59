package dev.tocsin.monitor;

import dev.tocsin.timeline.Actor;
import org.springframework.stereotype.Component;

/**
 * Pausing and resuming a monitor from the UI, through the same use cases (and timeline entries) as
 * {@code POST /api/v1/monitors/{id}/pause} and {@code /resume}.
 */
@Component
public class MonitorPauses {

    private final MonitorEditing editing;

    MonitorPauses(MonitorEditing editing) {
        this.editing = editing;
    }

    /** Pauses monitor {@code id}; a {@link dev.tocsin.problem.NotFoundException} if there is none. */
    public void pause(String id, Actor actor) {
        editing.pause(id, actor);
    }

    /** Resumes monitor {@code id}; a {@link dev.tocsin.problem.NotFoundException} if there is none. */
    public void resume(String id, Actor actor) {
        editing.resume(id, actor);
    }
}
