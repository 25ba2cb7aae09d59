package dev.tocsin.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.tocsin.auth.AcknowledgeLinks;
import dev.tocsin.config.Durations;
import dev.tocsin.config.SeverityScale;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.engine.TimerHandler;
import dev.tocsin.engine.Timers;
import dev.tocsin.incident.Incident;
import dev.tocsin.incident.IncidentEvent;
import dev.tocsin.incident.IncidentService;
import dev.tocsin.incident.IncidentStatus;
import dev.tocsin.jdbc.SqlTime;
import dev.tocsin.text.SqlText;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.NewEvent;
import dev.tocsin.timeline.Timeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps stakeholders informed (seeds 002 and 003): an incident's opening, each status update and its resolution go
 * to the channels its routes name, in the incident's own transaction; and while it is open, a timer per severity
 * cadence (P0 every 15 min) reminds the communications lead, or else the incident commander, when an update is due
 * and none was posted. The timeline records each reminder.
 */
@Component
class StakeholderComms implements TimerHandler {

    static final String NAME = "update-due";
    private static final Set<TocsinConfig.ChannelType> CHAT = Set.of(TocsinConfig.ChannelType.SLACK,
            TocsinConfig.ChannelType.DISCORD, TocsinConfig.ChannelType.TEAMS);
    private static final Logger log = LoggerFactory.getLogger(StakeholderComms.class);

    private final TocsinConfig config;
    private final CommsRepository comms;
    private final IncidentService incidents;
    private final Outbox outbox;
    private final MessageFacts facts;
    private final AcknowledgeLinks ackLinks;
    private final Timeline timeline;
    private final Timers timers;
    private final TransactionTemplate tx;
    private final Clock clock;

    StakeholderComms(TocsinConfig config, CommsRepository comms, IncidentService incidents, Outbox outbox,
                     MessageFacts facts, AcknowledgeLinks ackLinks, Timeline timeline, @Lazy Timers timers, TransactionTemplate tx, Clock clock) {
        this.config = config;
        this.comms = comms;
        this.incidents = incidents;
        this.outbox = outbox;
        this.facts = facts;
        this.ackLinks = ackLinks;
        this.timeline = timeline;
        this.timers = timers;
        this.tx = tx;
        this.clock = clock;
        config.notifications().channels().stream().filter(TocsinConfig.Channel::degraded).forEach(c ->
                log.warn("event=notify.channel_degraded channel={} missing={} action=\"set the variables; messages "
                        + "routed to it are not sent meanwhile\"", c.id(), c.missingVariables()));
    }

    @Override
    public String name() {
        return NAME;
    }

    @EventListener
    void opened(IncidentEvent.Opened e) {
        Duration interval = interval(e.severity());
        List<TocsinConfig.Channel> channels = channels(e.serviceId(), e.severity(), "opened");
        if (interval == null && channels.isEmpty()) {
            return; // nothing to say and nobody to remind: keep the ingest path to its own rows
        }
        comms.findOrCreate(e.incidentId(), e.openedAt());
        if (!channels.isEmpty()) {
            send(incidents.get(e.incidentId()), "opened", "opened:" + e.incidentId(), channels, null);
        }
        if (interval != null) {
            due(e.incidentId(), e.openedAt().plus(interval));
        }
    }

    @EventListener
    void updatePosted(IncidentEvent.StatusUpdatePosted e) {
        if (e.status() == IncidentStatus.RESOLVED) {
            return; // the resolution message carries the update's words
        }
        Incident incident = incidents.get(e.incidentId());
        CommsRepository.Comms c = comms.findOrCreate(incident.id(), incident.openedAt());
        Instant now = clock.instant();
        Duration interval = interval(incident.severity());
        Instant next = interval == null ? null : SqlTime.truncate(now.plus(interval));
        comms.updatePosted(incident.id(), now, next);
        if (next != null) {
            timers.set(NAME, incident.id() + ":" + next.toEpochMilli(), next);
        }
        send(incident, "update", "update:" + incident.id() + ":" + (c.updatesPosted() + 1),
                channels(incident.serviceId(), incident.severity(), "update"), e.message());
    }

    @EventListener
    void statusChanged(IncidentEvent.StatusChanged e) {
        if (e.to() == IncidentStatus.RESOLVED) {
            List<TocsinConfig.Channel> channels = channels(e.serviceId(), e.severity(), "resolved");
            CommsRepository.Comms c = comms.find(e.incidentId()).orElse(null);
            if (c == null && channels.isEmpty()) {
                return; // nobody to tell: the incident need not be read (the intake resolves many)
            }
            Incident incident = incidents.get(e.incidentId());
            c = c != null ? c : comms.findOrCreate(incident.id(), incident.openedAt());
            comms.resolved(incident.id());
            send(incident, "resolved", "resolved:" + incident.id() + ":" + (c.resolutions() + 1), channels, null);
        } else if (e.from() == IncidentStatus.RESOLVED) {
            // Re-opened: the cadence starts again from now.
            Incident incident = incidents.get(e.incidentId());
            Duration interval = interval(incident.severity());
            if (interval != null) {
                comms.findOrCreate(incident.id(), incident.openedAt());
                due(incident.id(), clock.instant().plus(interval));
            }
        }
    }

    @EventListener
    void severityChanged(IncidentEvent.SeverityChanged e) {
        Duration interval = interval(e.to());
        CommsRepository.Comms c = comms.find(e.incidentId()).orElse(null);
        if (interval == null) {
            if (c != null) {
                comms.nextDue(e.incidentId(), null);
            }
            return;
        }
        c = c != null ? c : comms.findOrCreate(e.incidentId(), e.openedAt());
        Instant next = c.lastUpdateAt().plus(interval);
        Instant now = clock.instant();
        due(e.incidentId(), next.isBefore(now) ? now : next);
    }

    private void due(long incidentId, Instant at) {
        Instant due = SqlTime.truncate(at);
        comms.nextDue(incidentId, due);
        timers.set(NAME, incidentId + ":" + due.toEpochMilli(), due);
    }

    /** Timer {@code <incident>:<due epoch ms>}: an update came due; remind unless one was posted since. */
    @Override
    public void fire(String instance, Instant dueAt) {
        int colon = instance.indexOf(':');
        long incidentId = Long.parseLong(instance.substring(0, colon));
        long dueMillis = Long.parseLong(instance.substring(colon + 1));
        tx.executeWithoutResult(status -> {
            timeline.lock();
            CommsRepository.Comms c = comms.find(incidentId).orElse(null);
            if (c == null || c.nextUpdateDueAt() == null || c.nextUpdateDueAt().toEpochMilli() != dueMillis) {
                return; // an update was posted, the incident resolved, or the cadence moved
            }
            Incident incident = incidents.get(incidentId);
            Duration interval = interval(incident.severity());
            if (!incident.status().isOpen() || interval == null) {
                return;
            }
            remind(incident, c, interval);
            // Reminders missed while no node ran (or the clock jumped) are not sent one after another: the lead
            // hears once, and the next reminder is one interval from now.
            Instant next = c.nextUpdateDueAt().plus(interval);
            Instant now = clock.instant();
            next = SqlTime.truncate(next.isAfter(now) ? next : now.plus(interval));
            comms.reminded(incidentId, next);
            timers.set(NAME, incidentId + ":" + next.toEpochMilli(), next);
        });
    }

    private void remind(Incident incident, CommsRepository.Comms c, Duration interval) {
        Instant now = clock.instant();
        String lead = incident.roles().communicationsLead() != null ? incident.roles().communicationsLead()
                : incident.roles().incidentCommander();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("due_at", c.nextUpdateDueAt().toString());
        data.put("last_update_at", c.lastUpdateAt().toString());
        data.put("update_interval", Durations.format(interval));
        data.put("reminded", lead);
        data.put("role", incident.roles().communicationsLead() != null ? "communications_lead"
                : lead != null ? "incident_commander" : null);
        if (lead == null) {
            data.put("note", "no communications lead or incident commander is assigned: nobody to remind");
        }
        timeline.append(new NewEvent("incident.update_due", Actor.system("update-cadence"), incident.id(), null,
                incident.serviceId(), data));
        TocsinConfig.User user = lead == null ? null : config.user(lead).orElse(null);
        if (user == null) {
            return;
        }
        Map<String, Object> body = facts.of(incident, now);
        body.put("user", user.id());
        body.put("user_name", user.name());
        body.put("last_update", MessageFacts.time(c.lastUpdateAt()));
        for (TocsinConfig.ContactMethod method : immediateContactMethods(user)) {
            outbox.enqueue(new Outbox.NewMessage("reminder:" + incident.id() + ":" + c.nextUpdateDueAt().toEpochMilli()
                    + ":" + Destinations.userKey(user.id(), method.id()), incident.id(), user.id(), method.type().wire(),
                    Destinations.userKey(user.id(), method.id()), "reminder", "Update due: " + incident.title(), body));
        }
    }

    /** The contact methods a user's rules use at once; the first rule's if all of them wait. */
    private static List<TocsinConfig.ContactMethod> immediateContactMethods(TocsinConfig.User user) {
        List<TocsinConfig.ContactMethod> out = new ArrayList<>();
        for (TocsinConfig.NotificationRule rule : user.notificationRules()) {
            if (rule.after().isZero()) {
                user.contactMethod(rule.contactMethod()).ifPresent(out::add);
            }
        }
        if (out.isEmpty() && !user.notificationRules().isEmpty()) {
            user.contactMethod(user.notificationRules().get(0).contactMethod()).ifPresent(out::add);
        }
        return out;
    }

    private void send(Incident incident, String kind, String keyPrefix, List<TocsinConfig.Channel> channels,
                      String message) {
        if (channels.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        String subject = SqlText.abbreviate("[" + incident.severity() + "] " + incident.title(), 1024);
        for (TocsinConfig.Channel channel : channels) {
            Map<String, Object> body = facts.of(incident, now);
            body.put("message", message);
            if (incident.status() == IncidentStatus.TRIGGERED && CHAT.contains(channel.type())) {
                // Whoever reads the team's channel first can take it, as with PagerDuty's chat buttons.
                body.put("acknowledge_url", ackLinks.forChannel(incident.id(), channel.id(), now));
            }
            outbox.enqueue(new Outbox.NewMessage(keyPrefix + ":" + Destinations.channelKey(channel.id()), incident.id(),
                    null, channel.type().wire(), Destinations.channelKey(channel.id()), kind, subject, body));
        }
    }

    /** The channels the routes name for this service, severity and kind of message, each once; degraded ones left out. */
    List<TocsinConfig.Channel> channels(String serviceId, String severity, String kind) {
        Set<String> ids = new LinkedHashSet<>();
        for (TocsinConfig.NotificationRoute route : config.notifications().routes()) {
            if (route.matches(serviceId, severity, kind)) {
                ids.addAll(route.channels());
            }
        }
        List<TocsinConfig.Channel> out = new ArrayList<>();
        for (String id : ids) {
            config.notifications().channel(id).filter(c -> !c.degraded()).ifPresent(out::add);
        }
        return out;
    }

    private Duration interval(String severity) {
        return config.severities().level(severity).map(SeverityScale.Level::updateInterval).orElse(null);
    }
}
