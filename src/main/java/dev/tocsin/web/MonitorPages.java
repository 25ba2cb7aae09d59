package dev.tocsin.web;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.monitor.MonitorStatus;
import dev.tocsin.problem.NotFoundException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** A monitor's page: how it stands, 90 days of bars, a day of latency as an inline SVG chart, and its level changes. */
@Controller
class MonitorPages {

    private final MonitorStatus monitors;
    private final TocsinConfig config;

    MonitorPages(MonitorStatus monitors, TocsinConfig config) {
        this.monitors = monitors;
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
}
