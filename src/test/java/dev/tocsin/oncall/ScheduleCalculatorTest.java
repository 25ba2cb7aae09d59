package dev.tocsin.oncall;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.tocsin.problem.InvalidInputException;
import org.junit.jupiter.api.Test;

import static dev.tocsin.oncall.RotationKind.DAILY;
import static dev.tocsin.oncall.RotationKind.HOURLY;
import static dev.tocsin.oncall.RotationKind.WEEKLY;
import static dev.tocsin.oncall.ScheduleFixtures.BERLIN;
import static dev.tocsin.oncall.ScheduleFixtures.NEW_YORK;
import static dev.tocsin.oncall.ScheduleFixtures.WEEKDAYS;
import static dev.tocsin.oncall.ScheduleFixtures.at;
import static dev.tocsin.oncall.ScheduleFixtures.layer;
import static dev.tocsin.oncall.ScheduleFixtures.rotation;
import static dev.tocsin.oncall.ScheduleFixtures.schedule;
import static dev.tocsin.oncall.ScheduleFixtures.shift;
import static dev.tocsin.oncall.ScheduleFixtures.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Rotations, layers, restrictions, overrides, DST and leap days, one behaviour at a time. */
class ScheduleCalculatorTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    private static String onCall(Schedule schedule, String localDateTime) {
        return ScheduleCalculator.onCallAt(schedule, at(localDateTime, schedule.zone())).orElse(null);
    }

    private static List<LocalDateTime> localStarts(List<Shift> shifts, ZoneId zone) {
        return shifts.stream().map(s -> LocalDateTime.ofInstant(s.start(), zone)).toList();
    }

    private static List<Duration> durations(List<Shift> shifts) {
        return shifts.stream().map(Shift::duration).toList();
    }

    // Rotations

    @Test
    void dailyRotationHandsOffAtTheHandOffTimeInUserOrder() {
        Schedule s = schedule(BERLIN, layer("primary", rotation(DAILY, 1, "2026-01-05T09:00", "ana", "bo", "carla")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-05T00:00", BERLIN), at("2026-01-09T00:00", BERLIN)))
                .containsExactly(
                        shift("ana", "2026-01-05T09:00", "2026-01-06T09:00", "primary", BERLIN),
                        shift("bo", "2026-01-06T09:00", "2026-01-07T09:00", "primary", BERLIN),
                        shift("carla", "2026-01-07T09:00", "2026-01-08T09:00", "primary", BERLIN),
                        shift("ana", "2026-01-08T09:00", "2026-01-09T00:00", "primary", BERLIN));
    }

    @Test
    void weeklyRotationCyclesThroughItsUsersOnTheHandOffDay() {
        Schedule s = schedule(BERLIN, layer("primary", rotation(WEEKLY, 1, "2026-01-05T09:00", "ana", "bo", "carla")));

        assertThat(onCall(s, "2026-01-11T23:00")).isEqualTo("ana");
        assertThat(onCall(s, "2026-01-12T08:59")).isEqualTo("ana");
        assertThat(onCall(s, "2026-01-12T09:00")).isEqualTo("bo");
        assertThat(onCall(s, "2026-01-19T09:00")).isEqualTo("carla");
        assertThat(onCall(s, "2026-01-26T09:00")).isEqualTo("ana");
        assertThat(onCall(s, "2026-04-06T09:00")).as("13 weeks later, across the spring-forward").isEqualTo("bo");
    }

    @Test
    void everyNHoursCountsRealElapsedHoursAcrossTheSpringForward() {
        Schedule s = schedule(BERLIN, layer("primary", rotation(HOURLY, 8, "2026-03-28T22:00", "ana", "bo", "carla")));

        List<Shift> shifts = ScheduleCalculator.shifts(s, at("2026-03-28T22:00", BERLIN), at("2026-03-29T22:00", BERLIN));

        assertThat(shifts).extracting(Shift::user).containsExactly("ana", "bo", "carla");
        assertThat(durations(shifts)).containsExactly(Duration.ofHours(8), Duration.ofHours(8), Duration.ofHours(7));
        assertThat(localStarts(shifts, BERLIN)).as("the clock jumped an hour, the turns did not")
                .containsExactly(LocalDateTime.parse("2026-03-28T22:00"), LocalDateTime.parse("2026-03-29T07:00"),
                        LocalDateTime.parse("2026-03-29T15:00"));
    }

    @Test
    void everyNHoursCountsRealElapsedHoursAcrossTheFallBack() {
        Schedule s = schedule(NEW_YORK, layer("primary", rotation(HOURLY, 1, "2026-11-01T00:00", "ana", "bo", "carla", "dev")));

        assertThat(ScheduleCalculator.shifts(s, Instant.parse("2026-11-01T04:00:00Z"), Instant.parse("2026-11-01T08:00:00Z")))
                .as("01:00-02:00 happens twice, and each is its own turn")
                .extracting(Shift::user, Shift::start)
                .containsExactly(
                        tuple("ana", Instant.parse("2026-11-01T04:00:00Z")),
                        tuple("bo", Instant.parse("2026-11-01T05:00:00Z")),
                        tuple("carla", Instant.parse("2026-11-01T06:00:00Z")),
                        tuple("dev", Instant.parse("2026-11-01T07:00:00Z")));
    }

    @Test
    void everyNDaysHandsOffEveryNthDay() {
        Schedule s = schedule(UTC, layer("primary", rotation(DAILY, 2, "2026-01-01T08:00", "ana", "bo")));

        assertThat(onCall(s, "2026-01-02T08:00")).isEqualTo("ana");
        assertThat(onCall(s, "2026-01-03T07:59")).isEqualTo("ana");
        assertThat(onCall(s, "2026-01-03T08:00")).isEqualTo("bo");
        assertThat(onCall(s, "2026-01-05T08:00")).isEqualTo("ana");
    }

    @Test
    void nobodyIsOnCallBeforeTheRotationStarts() {
        Schedule s = schedule(BERLIN, layer("primary", rotation(DAILY, 1, "2026-01-05T09:00", "ana", "bo")));

        assertThat(onCall(s, "2026-01-05T08:59")).isNull();
        assertThat(ScheduleCalculator.shifts(s, at("2026-01-01T00:00", BERLIN), at("2026-01-05T10:00", BERLIN)))
                .containsExactly(shift("ana", "2026-01-05T09:00", "2026-01-05T10:00", "primary", BERLIN));
    }

    @Test
    void consecutiveTurnsOfOneUserAreOneShift() {
        Schedule s = schedule(UTC, layer("primary", rotation(DAILY, 1, "2026-01-01T09:00", "ana", "ana", "bo")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-01T09:00", UTC), at("2026-01-04T09:00", UTC)))
                .containsExactly(shift("ana", "2026-01-01T09:00", "2026-01-03T09:00", "primary", UTC),
                        shift("bo", "2026-01-03T09:00", "2026-01-04T09:00", "primary", UTC));
    }

    @Test
    void aQueryYearsAfterTheStartJumpsStraightToItsTurn() {
        Schedule s = schedule(UTC, layer("primary",
                rotation(HOURLY, 1, "2020-01-01T00:00", "u0", "u1", "u2", "u3", "u4", "u5", "u6")));

        // 7457 days (20 years, 5 leap days, and 152 days of 2040) and 12 hours: turn 178980, and 178980 mod 7 = 4.
        assertThat(onCall(s, "2040-06-01T12:00")).isEqualTo("u4");
        assertThat(onCall(s, "2040-06-01T13:00")).isEqualTo("u5");
    }

    // Layers

    @Test
    void laterLayerWinsWhereItHasSomeone() {
        Schedule s = schedule(BERLIN,
                layer("base", rotation(DAILY, 1, "2026-01-01T09:00", "ana")),
                layer("top", rotation(DAILY, 1, "2026-01-10T09:00", "bo")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-09T00:00", BERLIN), at("2026-01-12T00:00", BERLIN)))
                .containsExactly(shift("ana", "2026-01-09T00:00", "2026-01-10T09:00", "base", BERLIN),
                        shift("bo", "2026-01-10T09:00", "2026-01-12T00:00", "top", BERLIN));
    }

    @Test
    void layerShiftsShowEachLayerBeforeLaterLayersHideIt() {
        Schedule s = schedule(BERLIN,
                layer("base", rotation(DAILY, 1, "2026-01-01T09:00", "ana")),
                layer("top", rotation(DAILY, 1, "2026-01-10T09:00", "bo")));

        Map<String, List<Shift>> layers = ScheduleCalculator.layerShifts(s, at("2026-01-09T00:00", BERLIN),
                at("2026-01-12T00:00", BERLIN));

        assertThat(layers.keySet()).containsExactly("base", "top");
        assertThat(layers.get("base")).containsExactly(shift("ana", "2026-01-09T00:00", "2026-01-12T00:00", "base", BERLIN));
        assertThat(layers.get("top")).containsExactly(shift("bo", "2026-01-10T09:00", "2026-01-12T00:00", "top", BERLIN));
    }

    // Restrictions

    @Test
    void outsideItsRestrictionALayerLetsTheLowerLayerShowThrough() {
        Schedule s = schedule(BERLIN,
                layer("engineers", rotation(WEEKLY, 1, "2026-01-05T09:00", "ana")),
                layer("lead", rotation(DAILY, 1, "2026-01-05T00:00", "dev"), window(WEEKDAYS, "09:00", "17:00")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-09T00:00", BERLIN), at("2026-01-12T12:00", BERLIN)))
                .containsExactly(
                        shift("ana", "2026-01-09T00:00", "2026-01-09T09:00", "engineers", BERLIN),
                        shift("dev", "2026-01-09T09:00", "2026-01-09T17:00", "lead", BERLIN),
                        shift("ana", "2026-01-09T17:00", "2026-01-12T09:00", "engineers", BERLIN),
                        shift("dev", "2026-01-12T09:00", "2026-01-12T12:00", "lead", BERLIN));
    }

    @Test
    void anOvernightRestrictionRunsFromItsDayIntoTheNextMorning() {
        Schedule s = schedule(BERLIN,
                layer("engineers", rotation(WEEKLY, 1, "2026-01-05T09:00", "ana")),
                layer("friday-night", rotation(WEEKLY, 1, "2026-01-05T09:00", "bo"),
                        window(EnumSet.of(DayOfWeek.FRIDAY), "17:00", "09:00")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-08T12:00", BERLIN), at("2026-01-11T12:00", BERLIN)))
                .containsExactly(
                        shift("ana", "2026-01-08T12:00", "2026-01-09T17:00", "engineers", BERLIN),
                        shift("bo", "2026-01-09T17:00", "2026-01-10T09:00", "friday-night", BERLIN),
                        shift("ana", "2026-01-10T09:00", "2026-01-11T12:00", "engineers", BERLIN));
    }

    @Test
    void aRestrictedLayerAloneLeavesGapsWhereNobodyIsOnCall() {
        Schedule s = schedule(UTC, layer("office", rotation(DAILY, 1, "2026-01-05T00:00", "ana", "bo"),
                window(WEEKDAYS, "09:00", "17:00")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-09T00:00", UTC), at("2026-01-13T00:00", UTC)))
                .as("the rotation keeps turning while the layer is off: Friday is turn 4, Monday turn 7")
                .containsExactly(shift("ana", "2026-01-09T09:00", "2026-01-09T17:00", "office", UTC),
                        shift("bo", "2026-01-12T09:00", "2026-01-12T17:00", "office", UTC));
        assertThat(onCall(s, "2026-01-10T12:00")).isNull();
    }

    @Test
    void severalRestrictionsOfALayerAddUp() {
        Schedule s = schedule(UTC, layer("split", rotation(DAILY, 1, "2026-01-05T00:00", "ana"),
                window(EnumSet.of(DayOfWeek.MONDAY), "08:00", "12:00"),
                window(EnumSet.of(DayOfWeek.MONDAY), "12:00", "14:00"),
                window(EnumSet.of(DayOfWeek.MONDAY), "13:00", "16:00")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-05T00:00", UTC), at("2026-01-06T00:00", UTC)))
                .containsExactly(shift("ana", "2026-01-05T08:00", "2026-01-05T16:00", "split", UTC));
    }

    @Test
    void aWholeDayIsTwoWindowsThatMeetAtNoon() {
        Set<DayOfWeek> weekend = EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
        Schedule s = schedule(UTC, layer("weekend", rotation(DAILY, 1, "2026-01-05T00:00", "ana"),
                window(weekend, "00:00", "12:00"), window(weekend, "12:00", "00:00")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-09T00:00", UTC), at("2026-01-13T00:00", UTC)))
                .containsExactly(shift("ana", "2026-01-10T00:00", "2026-01-12T00:00", "weekend", UTC));
    }

    @Test
    void restrictionWindowsFollowLocalTimeAcrossDst() {
        Schedule s = schedule(NEW_YORK,
                layer("engineers", rotation(WEEKLY, 1, "2026-03-02T09:00", "ana")),
                layer("lead", rotation(WEEKLY, 1, "2026-03-02T00:00", "dev"), window(WEEKDAYS, "09:00", "17:00")));

        List<Shift> lead = ScheduleCalculator.layerShifts(s, at("2026-03-06T00:00", NEW_YORK), at("2026-03-10T00:00", NEW_YORK))
                .get("lead");

        assertThat(lead).extracting(Shift::start)
                .containsExactly(Instant.parse("2026-03-06T14:00:00Z"), Instant.parse("2026-03-09T13:00:00Z"));
        assertThat(durations(lead)).containsOnly(Duration.ofHours(8));
    }

    @Test
    void anOvernightWindowOnTheSpringForwardNightIsAnHourShorter() {
        Schedule s = schedule(BERLIN, layer("nights", rotation(DAILY, 1, "2026-03-01T00:00", "ana"),
                window(EnumSet.of(DayOfWeek.SATURDAY), "22:00", "06:00")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-03-28T00:00", BERLIN), at("2026-03-30T00:00", BERLIN)))
                .containsExactly(shift("ana", "2026-03-28T22:00", "2026-03-29T06:00", "nights", BERLIN))
                .extracting(Shift::duration).containsExactly(Duration.ofHours(7));
    }

    // Overrides

    private static Schedule anaAndBoDaily(List<ScheduleOverride> overrides) {
        return schedule(BERLIN, overrides, layer("primary", rotation(DAILY, 1, "2026-01-05T09:00", "ana", "bo")));
    }

    private static ScheduleOverride cover(String user, String from, String to, String replaces) {
        return new ScheduleOverride(user, at(from, BERLIN), at(to, BERLIN), replaces);
    }

    @Test
    void anOverrideCanCoverAWholeShift() {
        Schedule s = anaAndBoDaily(List.of(cover("carla", "2026-01-05T09:00", "2026-01-06T09:00", null)));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-05T09:00", BERLIN), at("2026-01-06T12:00", BERLIN)))
                .containsExactly(shift("carla", "2026-01-05T09:00", "2026-01-06T09:00", Shift.OVERRIDE, BERLIN),
                        shift("bo", "2026-01-06T09:00", "2026-01-06T12:00", "primary", BERLIN));
    }

    @Test
    void aPartialOverrideSplitsTheShiftItCovers() {
        Schedule s = anaAndBoDaily(List.of(cover("carla", "2026-01-05T12:00", "2026-01-05T14:00", null)));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-05T09:00", BERLIN), at("2026-01-06T09:00", BERLIN)))
                .containsExactly(shift("ana", "2026-01-05T09:00", "2026-01-05T12:00", "primary", BERLIN),
                        shift("carla", "2026-01-05T12:00", "2026-01-05T14:00", Shift.OVERRIDE, BERLIN),
                        shift("ana", "2026-01-05T14:00", "2026-01-06T09:00", "primary", BERLIN));
    }

    @Test
    void anOverrideThatReplacesSomeoneCoversOnlyTheirShifts() {
        Schedule s = anaAndBoDaily(List.of(cover("carla", "2026-01-05T09:00", "2026-01-08T09:00", "bo")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-05T09:00", BERLIN), at("2026-01-08T09:00", BERLIN)))
                .containsExactly(shift("ana", "2026-01-05T09:00", "2026-01-06T09:00", "primary", BERLIN),
                        shift("carla", "2026-01-06T09:00", "2026-01-07T09:00", Shift.OVERRIDE, BERLIN),
                        shift("ana", "2026-01-07T09:00", "2026-01-08T09:00", "primary", BERLIN));
    }

    @Test
    void anOverrideThatReplacesSomeoneAcrossAHandOffEndsWithTheirTurn() {
        Schedule s = anaAndBoDaily(List.of(cover("carla", "2026-01-05T20:00", "2026-01-06T12:00", "ana")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-05T09:00", BERLIN), at("2026-01-06T18:00", BERLIN)))
                .containsExactly(shift("ana", "2026-01-05T09:00", "2026-01-05T20:00", "primary", BERLIN),
                        shift("carla", "2026-01-05T20:00", "2026-01-06T09:00", Shift.OVERRIDE, BERLIN),
                        shift("bo", "2026-01-06T09:00", "2026-01-06T18:00", "primary", BERLIN));
        assertThat(ScheduleCalculator.onCallAt(s, at("2026-01-06T09:00", BERLIN))).as("at the hand-off").contains("bo");
    }

    @Test
    void anOverrideWithoutReplacesAlsoCoversWhereNobodyIsOnCall() {
        Schedule s = schedule(UTC, List.of(
                        new ScheduleOverride("carla", at("2026-01-10T10:00", UTC), at("2026-01-10T12:00", UTC), null),
                        new ScheduleOverride("dev", at("2026-01-10T13:00", UTC), at("2026-01-10T15:00", UTC), "ana")),
                layer("office", rotation(DAILY, 1, "2026-01-05T00:00", "ana"), window(WEEKDAYS, "09:00", "17:00")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-10T00:00", UTC), at("2026-01-11T00:00", UTC)))
                .as("Saturday: the office layer is off; dev replaces ana, who is not on call")
                .containsExactly(shift("carla", "2026-01-10T10:00", "2026-01-10T12:00", Shift.OVERRIDE, UTC));
    }

    @Test
    void overridesApplyInOrderEachToTheResultOfThoseBefore() {
        Schedule s = anaAndBoDaily(List.of(
                cover("carla", "2026-01-06T09:00", "2026-01-07T09:00", "bo"),
                cover("dev", "2026-01-06T12:00", "2026-01-06T14:00", "carla")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-01-06T09:00", BERLIN), at("2026-01-07T09:00", BERLIN)))
                .containsExactly(shift("carla", "2026-01-06T09:00", "2026-01-06T12:00", Shift.OVERRIDE, BERLIN),
                        shift("dev", "2026-01-06T12:00", "2026-01-06T14:00", Shift.OVERRIDE, BERLIN),
                        shift("carla", "2026-01-06T14:00", "2026-01-07T09:00", Shift.OVERRIDE, BERLIN));
    }

    // DST

    @Test
    void aNineOClockHandOffStaysNineInBerlinAcrossSpringForwardAndFallBack() {
        Schedule spring = schedule(BERLIN, layer("primary", rotation(DAILY, 1, "2026-03-27T09:00", "ana", "bo")));
        List<Shift> march = ScheduleCalculator.shifts(spring, at("2026-03-27T09:00", BERLIN), at("2026-03-31T09:00", BERLIN));
        assertThat(localStarts(march, BERLIN)).extracting(LocalDateTime::toLocalTime).containsOnly(LocalTime.of(9, 0));
        assertThat(durations(march)).containsExactly(Duration.ofHours(24), Duration.ofHours(23), Duration.ofHours(24),
                Duration.ofHours(24));

        Schedule autumn = schedule(BERLIN, layer("primary", rotation(DAILY, 1, "2026-10-23T09:00", "ana", "bo")));
        List<Shift> october = ScheduleCalculator.shifts(autumn, at("2026-10-23T09:00", BERLIN), at("2026-10-27T09:00", BERLIN));
        assertThat(localStarts(october, BERLIN)).extracting(LocalDateTime::toLocalTime).containsOnly(LocalTime.of(9, 0));
        assertThat(durations(october)).containsExactly(Duration.ofHours(24), Duration.ofHours(25), Duration.ofHours(24),
                Duration.ofHours(24));
    }

    @Test
    void aNineOClockHandOffStaysNineInNewYorkAcrossSpringForwardAndFallBack() {
        Schedule s = schedule(NEW_YORK, layer("primary", rotation(WEEKLY, 1, "2026-03-02T09:00", "ana", "bo")));

        assertThat(ScheduleCalculator.shifts(s, at("2026-03-02T09:00", NEW_YORK), at("2026-03-16T09:00", NEW_YORK)))
                .extracting(Shift::start, Shift::duration)
                .containsExactly(
                        tuple(Instant.parse("2026-03-02T14:00:00Z"), Duration.ofHours(7 * 24 - 1)),
                        tuple(Instant.parse("2026-03-09T13:00:00Z"), Duration.ofHours(7 * 24)));
        assertThat(ScheduleCalculator.shifts(s, at("2026-10-26T09:00", NEW_YORK), at("2026-11-09T09:00", NEW_YORK)))
                .extracting(Shift::start, Shift::duration)
                .containsExactly(
                        tuple(Instant.parse("2026-10-26T13:00:00Z"), Duration.ofHours(7 * 24 + 1)),
                        tuple(Instant.parse("2026-11-02T14:00:00Z"), Duration.ofHours(7 * 24)));
    }

    @Test
    void aHandOffInTheSpringForwardGapMovesForwardByTheGap() {
        Schedule berlin = schedule(BERLIN, layer("primary", rotation(DAILY, 1, "2026-03-27T02:30", "ana", "bo", "carla")));
        assertThat(ScheduleCalculator.shifts(berlin, at("2026-03-28T12:00", BERLIN), at("2026-03-30T12:00", BERLIN)))
                .extracting(Shift::user, Shift::start)
                .containsExactly(
                        tuple("bo", at("2026-03-28T12:00", BERLIN)),
                        tuple("carla", Instant.parse("2026-03-29T01:30:00Z")), // 03:30 CEST
                        tuple("ana", Instant.parse("2026-03-30T00:30:00Z"))); // 02:30 CEST

        Schedule newYork = schedule(NEW_YORK, layer("primary", rotation(DAILY, 1, "2026-03-06T02:30", "ana", "bo", "carla")));
        assertThat(ScheduleCalculator.onCallAt(newYork, Instant.parse("2026-03-08T07:29:59Z"))).contains("bo");
        assertThat(ScheduleCalculator.onCallAt(newYork, Instant.parse("2026-03-08T07:30:00Z"))).as("03:30 EDT").contains("carla");
    }

    @Test
    void aHandOffInTheFallBackOverlapTakesTheEarlierOffset() {
        Schedule berlin = schedule(BERLIN, layer("primary", rotation(DAILY, 1, "2026-10-23T02:30", "ana", "bo", "carla")));
        List<Shift> shifts = ScheduleCalculator.shifts(berlin, Instant.parse("2026-10-24T00:30:00Z"),
                Instant.parse("2026-10-26T02:00:00Z"));
        assertThat(shifts).extracting(Shift::start).containsExactly(
                Instant.parse("2026-10-24T00:30:00Z"), // 02:30 CEST
                Instant.parse("2026-10-25T00:30:00Z"), // the first 02:30, still CEST
                Instant.parse("2026-10-26T01:30:00Z")); // 02:30 CET
        assertThat(shifts.get(1).duration()).isEqualTo(Duration.ofHours(25));

        Schedule newYork = schedule(NEW_YORK, layer("primary", rotation(DAILY, 1, "2026-10-30T01:30", "ana", "bo", "carla")));
        assertThat(ScheduleCalculator.onCallAt(newYork, Instant.parse("2026-11-01T05:29:59Z"))).contains("bo");
        assertThat(ScheduleCalculator.onCallAt(newYork, Instant.parse("2026-11-01T05:30:00Z"))).as("01:30 EDT").contains("carla");
    }

    // Leap days

    @Test
    void aRotationStartingOnALeapDayHandsOffOnTheFirstOfMarchAndCountsEveryDay() {
        Schedule s = schedule(BERLIN, layer("primary", rotation(DAILY, 1, "2028-02-29T09:00", "ana", "bo", "carla")));

        assertThat(onCall(s, "2028-03-01T08:59")).isEqualTo("ana");
        assertThat(onCall(s, "2028-03-01T09:00")).isEqualTo("bo");
        assertThat(onCall(s, "2029-02-28T09:00")).as("365 days later").isEqualTo("carla");
        assertThat(onCall(s, "2029-03-01T09:00")).as("366 days later").isEqualTo("ana");
        assertThat(onCall(s, "2032-02-29T09:00")).as("1461 days later").isEqualTo("ana");
    }

    @Test
    void aWeeklyRotationStartingOnALeapDayKeepsItsWeekday() {
        Schedule s = schedule(BERLIN, layer("primary", rotation(WEEKLY, 1, "2028-02-29T09:00", "ana", "bo", "carla")));

        assertThat(ScheduleCalculator.shifts(s, at("2029-02-20T09:00", BERLIN), at("2029-03-10T00:00", BERLIN)))
                .containsExactly(shift("ana", "2029-02-20T09:00", "2029-02-27T09:00", "primary", BERLIN),
                        shift("bo", "2029-02-27T09:00", "2029-03-06T09:00", "primary", BERLIN),
                        shift("carla", "2029-03-06T09:00", "2029-03-10T00:00", "primary", BERLIN));
    }

    @Test
    void aDailyRotationCountsTheLeapDayAsATurn() {
        Schedule s = schedule(UTC, layer("primary", rotation(DAILY, 1, "2028-02-28T09:00", "ana", "bo")));

        assertThat(onCall(s, "2028-02-29T09:00")).isEqualTo("bo");
        assertThat(onCall(s, "2028-03-01T09:00")).isEqualTo("ana");
    }

    // The worked example of docs/oncall.md

    @Test
    void theDocumentedExampleWeek() {
        Schedule s = new Schedule("platform", BERLIN, List.of(
                layer("engineers", rotation(WEEKLY, 1, "2026-03-09T09:00", "ana", "bo", "carla")),
                layer("team-lead", rotation(WEEKLY, 1, "2026-03-09T09:00", "dev"), window(WEEKDAYS, "09:00", "17:00"))),
                List.of(new ScheduleOverride("bo", Instant.parse("2026-03-25T16:00:00Z"), Instant.parse("2026-03-26T08:00:00Z"),
                        "carla")));

        List<Shift> week = ScheduleCalculator.shifts(s, at("2026-03-23T09:00", BERLIN), at("2026-03-30T18:00", BERLIN));

        assertThat(week).containsExactly(
                shift("dev", "2026-03-23T09:00", "2026-03-23T17:00", "team-lead", BERLIN),
                shift("carla", "2026-03-23T17:00", "2026-03-24T09:00", "engineers", BERLIN),
                shift("dev", "2026-03-24T09:00", "2026-03-24T17:00", "team-lead", BERLIN),
                shift("carla", "2026-03-24T17:00", "2026-03-25T09:00", "engineers", BERLIN),
                shift("dev", "2026-03-25T09:00", "2026-03-25T17:00", "team-lead", BERLIN),
                shift("bo", "2026-03-25T17:00", "2026-03-26T09:00", Shift.OVERRIDE, BERLIN),
                shift("dev", "2026-03-26T09:00", "2026-03-26T17:00", "team-lead", BERLIN),
                shift("carla", "2026-03-26T17:00", "2026-03-27T09:00", "engineers", BERLIN),
                shift("dev", "2026-03-27T09:00", "2026-03-27T17:00", "team-lead", BERLIN),
                shift("carla", "2026-03-27T17:00", "2026-03-30T09:00", "engineers", BERLIN),
                shift("dev", "2026-03-30T09:00", "2026-03-30T17:00", "team-lead", BERLIN),
                shift("ana", "2026-03-30T17:00", "2026-03-30T18:00", "engineers", BERLIN));
        assertThat(week.get(9).duration()).as("the weekend loses an hour to the spring-forward").isEqualTo(Duration.ofHours(63));
    }

    // Ranges

    @Test
    void anEmptyRangeHasNoShifts() {
        Schedule s = schedule(UTC, layer("primary", rotation(DAILY, 1, "2026-01-01T09:00", "ana")));
        Instant t = at("2026-02-01T00:00", UTC);

        assertThat(ScheduleCalculator.shifts(s, t, t)).isEmpty();
    }

    @Test
    void aRangeLongerThanTwoYearsBackwardsOrOutOfTheCalendarIsRefusedNamingTheField() {
        Schedule s = schedule(UTC, layer("primary", rotation(HOURLY, 1, "2026-01-01T00:00", "ana", "bo")));
        Instant from = at("2026-01-01T00:00", UTC);

        assertThat(ScheduleCalculator.shifts(s, from, from.plus(ScheduleCalculator.MAX_RANGE))).hasSize(2 * 366 * 24);
        assertThatThrownBy(() -> ScheduleCalculator.shifts(s, from, from.plus(ScheduleCalculator.MAX_RANGE).plusSeconds(1)))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.errors()).extracting(InvalidInputException.FieldError::field).containsExactly("to"));
        assertThatThrownBy(() -> ScheduleCalculator.shifts(s, from, from.minusSeconds(1)))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.errors()).extracting(InvalidInputException.FieldError::field).containsExactly("to"));
        assertThatThrownBy(() -> ScheduleCalculator.onCallAt(s, Instant.MAX))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.errors()).extracting(InvalidInputException.FieldError::field).containsExactly("at"));
    }
}
