package dev.tocsin.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.tocsin.monitor.MonitorStatus;
import dev.tocsin.timeline.TimelineText;

/**
 * A monitor's latency as the numbers of an inline SVG line chart (p50 and p95), drawn by the template: no script,
 * no library. Coordinates are in a fixed view box that the page scales to its width.
 */
record LatencyChart(String title, String description, int width, int height, int left, int right, int top, int bottom,
                    String p50Path, String p95Path, List<Point> points, List<Tick> xTicks, List<Tick> yTicks) {

    /** One bucket: where its p50 and p95 sit, and its figures in words (a tooltip and the data table). */
    record Point(double x, double y50, double y95, String label, String time, int checks, Long p50, Long p95, long max) {
    }

    /** An axis mark: where it sits along its axis, and its label. */
    record Tick(double at, String label) {
    }

    private static final int WIDTH = 720;
    private static final int HEIGHT = 260;
    private static final int LEFT = 60;
    private static final int RIGHT = 16;
    private static final int TOP = 16;
    private static final int BOTTOM = 44;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Null when there is nothing to draw (no checks in the span). */
    static LatencyChart of(String monitorId, MonitorStatus.Latency latency) {
        List<MonitorStatus.LatencyPoint> data = latency.points();
        if (data.isEmpty()) {
            return null;
        }
        boolean minutes = "minute".equals(latency.grain());
        Duration step = minutes ? Duration.ofMinutes(1) : Duration.ofHours(1);
        Instant from = latency.from();
        Instant to = latency.to();
        if (!to.isAfter(from.plus(step))) {
            to = from.plus(step.multipliedBy(minutes ? 10 : 1)); // a first check: still an axis worth reading
        }
        long maxMs = data.stream().mapToLong(p -> p.p95Ms() == null ? 0 : p.p95Ms()).max().orElse(0);
        long top = niceCeiling(Math.max(maxMs, 10));
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        long spanMs = Duration.between(from, to).toMillis();
        List<Point> points = new ArrayList<>();
        StringBuilder p50 = new StringBuilder();
        StringBuilder p95 = new StringBuilder();
        for (MonitorStatus.LatencyPoint p : data) {
            // A bucket is drawn at its middle, so a line of hours reads as the hours it covers.
            Instant middle = p.start().plus(step.dividedBy(2));
            double x = LEFT + plotW * clamp(Duration.between(from, middle).toMillis() / (double) spanMs);
            double y50 = TOP + plotH * (1 - (p.p50Ms() == null ? 0 : p.p50Ms()) / (double) top);
            double y95 = TOP + plotH * (1 - (p.p95Ms() == null ? 0 : p.p95Ms()) / (double) top);
            p50.append(p50.isEmpty() ? "M" : " L").append(num(x)).append(' ').append(num(y50));
            p95.append(p95.isEmpty() ? "M" : " L").append(num(x)).append(' ').append(num(y95));
            String time = TimelineText.time(p.start());
            points.add(new Point(round(x), round(y50), round(y95), time + ": p50 " + p.p50Ms() + " ms, p95 " + p.p95Ms()
                    + " ms, " + p.checks() + (p.checks() == 1 ? " check" : " checks"), time, p.checks(), p.p50Ms(),
                    p.p95Ms(), p.maxMs()));
        }
        List<Tick> yTicks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            long value = top * i / 4;
            yTicks.add(new Tick(round(TOP + plotH * (1 - i / 4.0)), value + " ms"));
        }
        List<Tick> xTicks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            Instant at = from.plusMillis(spanMs * i / 4);
            xTicks.add(new Tick(round(LEFT + plotW * i / 4.0), HOUR.format(at)));
        }
        long lowest = data.stream().mapToLong(p -> p.p95Ms() == null ? 0 : p.p95Ms()).min().orElse(0);
        int checks = data.stream().mapToInt(MonitorStatus.LatencyPoint::checks).sum();
        String title = "Latency of " + monitorId + ", the last 24 hours";
        String description = "p50 and p95 response time per " + latency.grain() + " from " + TimelineText.time(from)
                + " to " + TimelineText.time(latency.to()) + ": " + data.size() + (data.size() == 1 ? " bucket" : " buckets")
                + " of " + checks + (checks == 1 ? " check" : " checks") + ", p95 between " + lowest + " and " + maxMs + " ms.";
        return new LatencyChart(title, description, WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, p50.toString(),
                p95.toString(), points, xTicks, yTicks);
    }

    /** The x of the plot's right edge and the y of its floor, for the axes. */
    public int plotRight() {
        return width - right;
    }

    public int plotBottom() {
        return height - bottom;
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code value}: axis labels people read at a glance. */
    static long niceCeiling(long value) {
        long power = 1;
        while (power * 10 < value) {
            power *= 10;
        }
        for (long m : new long[] {1, 2, 5, 10}) {
            if (m * power >= value) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
