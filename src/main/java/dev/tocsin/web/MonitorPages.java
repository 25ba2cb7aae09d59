package dev.tocsin.web;

import dev.tocsin.auth.CurrentActor;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.monitor.MonitorPauses;
import dev.tocsin.monitor.MonitorStatus;
import dev.tocsin.problem.NotFoundException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A monitor's page: how it stands, 90 days of bars, a day of latency as an inline SVG chart, and its level changes;
 * and pausing or resuming it, as the API does.
 */
@Controller
class MonitorPages {

    private final MonitorStatus monitors;
    private final MonitorPauses pauses;
    private final TocsinConfig config;

    MonitorPages(MonitorStatus monitors, MonitorPauses pauses, TocsinConfig config) {
        this.monitors = monitors;
        this.pauses = pauses;
        this.config = config;
    }

    @GetMapping("/ui/monitors/{id}")
    String monitor(@PathVariable String id, Model model) {
        MonitorStatus.MonitorDetail m = monitors.monitor(id, 20)
                .orElseThrow(() -> new NotFoundException("monitor '" + id + "' does not exist"));
        model.addAttribute("m", m);
        model.addAttribute("serviceName", config.service(m.summary().serviceId()).map(TocsinConfig.Service::name)
                .orElse(m.summary().serviceId()));
        model.addAttribute("chart", LatencyChart.of(id, m.latency()));
        return "monitor";
    }

    @PostMapping("/ui/monitors/{id}/pause")
    String pause(@PathVariable String id, RedirectAttributes flash) {
        pauses.pause(id, CurrentActor.get());
        flash.addFlashAttribute("done", "Paused: no check runs until it is resumed.");
        return "redirect:/ui/monitors/{id}";
    }

    @PostMapping("/ui/monitors/{id}/resume")
    String resume(@PathVariable String id, RedirectAttributes flash) {
        pauses.resume(id, CurrentActor.get());
        flash.addFlashAttribute("done", "Resumed: checks start again within a few seconds.");
        return "redirect:/ui/monitors/{id}";
    }
}
