package dev.tocsin.oncall;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import dev.tocsin.problem.FieldErrors;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.InvalidInputException.FieldError;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import static dev.tocsin.oncall.RotationKind.DAILY;
import static dev.tocsin.oncall.RotationKind.WEEKLY;
import static dev.tocsin.oncall.ScheduleFixtures.BERLIN;
import static dev.tocsin.oncall.ScheduleFixtures.WEEKDAYS;
import static dev.tocsin.oncall.ScheduleFixtures.layer;
import static dev.tocsin.oncall.ScheduleFixtures.rotation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Bad schedules are refused with an {@link InvalidInputException} whose errors name each bad field. */
class ScheduleValidationTest {

    private static final LocalDateTime MONDAY_NINE = LocalDateTime.parse("2026-03-09T09:00");
    private static final Instant NOON = Instant.parse("2026-03-09T12:00:00Z");

    private static List<String> refusedFields(ThrowingCallable build) {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, build);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.errors()).allSatisfy(f -> assertThat(f.message()).isNotBlank());
        return e.errors().stream().map(FieldError::field).toList();
    }

    private static Layer primary() {
        return layer("primary", rotation(WEEKLY, 1, "2026-03-09T09:00", "ana", "bo", "carla"));
    }

    @Test
    void aRotationWithoutUsersIsRefusedNamingUsers() {
        assertThat(refusedFields(() -> new Rotation(WEEKLY, 1, List.of(), MONDAY_NINE))).containsExactly("users");
        assertThat(refusedFields(() -> new Rotation(WEEKLY, 1, null, MONDAY_NINE))).containsExactly("users");
    }

    @Test
    void aRotationEveryZeroOrFewerUnitsIsRefusedNamingEvery() {
        assertThat(refusedFields(() -> new Rotation(DAILY, 0, List.of("ana"), MONDAY_NINE))).containsExactly("every");
        assertThat(refusedFields(() -> new Rotation(DAILY, -2, List.of("ana"), MONDAY_NINE))).containsExactly("every");
    }

    @Test
    void aBlankUserIdIsRefusedNamingItsPlaceInTheList() {
        assertThat(refusedFields(() -> new Rotation(DAILY, 1, Arrays.asList("ana", " ", null), MONDAY_NINE)))
                .containsExactly("users[1]", "users[2]");
    }

    @Test
    void everyBadFieldOfOneValueIsNamedAtOnce() {
        assertThat(refusedFields(() -> new Rotation(null, 0, List.of(), null)))
                .containsExactly("kind", "every", "users", "start");
    }

    @Test
    void aRotationStartOutsideTheSupportedYearsIsRefused() {
        assertThat(refusedFields(() -> new Rotation(DAILY, 1, List.of("ana"), LocalDateTime.MAX))).containsExactly("start");
    }

    @Test
    void aValueBuiltInsideADocumentIsRefusedNamingItsFullPath() {
        assertThat(refusedFields(() -> FieldErrors.within("layers[1].rotation",
                () -> new Rotation(WEEKLY, 1, List.of(), MONDAY_NINE))))
                .containsExactly("layers[1].rotation.users");
        assertThat(refusedFields(() -> FieldErrors.within("schedules[0].layers[2].rotation",
                () -> new Rotation(WEEKLY, 0, List.of("ana", ""), MONDAY_NINE))))
                .containsExactly("schedules[0].layers[2].rotation.every", "schedules[0].layers[2].rotation.users[1]");
    }

    @Test
    void duplicateLayerNamesAreRefusedNamingTheLaterLayer() {
        assertThat(refusedFields(() -> new Schedule("platform", BERLIN, List.of(primary(), primary()), List.of())))
                .containsExactly("layers[1].name");
    }

    @Test
    void aLayerMayNotTakeTheNameThatMarksOverrides() {
        assertThat(refusedFields(() -> new Layer(Shift.OVERRIDE, primary().rotation(), List.of()))).containsExactly("name");
        assertThat(refusedFields(() -> new Layer(" ", null, List.of()))).containsExactly("name", "rotation");
    }

    @Test
    void aScheduleNeedsAnIdAZoneAndAtLeastOneLayer() {
        assertThat(refusedFields(() -> new Schedule("Platform On-Call", null, List.of(), List.of())))
                .containsExactly("id", "time_zone", "layers");
        assertThat(refusedFields(() -> new Schedule("platform", BERLIN, Arrays.asList(primary(), null),
                Arrays.asList((ScheduleOverride) null))))
                .containsExactly("layers[1]", "overrides[0]");
    }

    @Test
    void aRestrictionWithoutDaysOrWithEqualTimesIsRefused() {
        assertThat(refusedFields(() -> new Restriction(Set.of(), LocalTime.of(9, 0), LocalTime.of(17, 0))))
                .containsExactly("days");
        assertThat(refusedFields(() -> new Restriction(WEEKDAYS, LocalTime.of(9, 0), LocalTime.of(9, 0))))
                .containsExactly("to");
        assertThat(refusedFields(() -> new Restriction(null, null, null))).containsExactly("days", "from", "to");
        assertThat(refusedFields(() -> new Layer("lead", primary().rotation(), Arrays.asList(
                new Restriction(Set.of(DayOfWeek.MONDAY), LocalTime.of(9, 0), LocalTime.of(17, 0)), null))))
                .containsExactly("restrictions[1]");
    }

    @Test
    void anOverrideMustEndAfterItStartsAndNameSomeoneElse() {
        assertThat(refusedFields(() -> new ScheduleOverride("bo", NOON, NOON, null))).containsExactly("end");
        assertThat(refusedFields(() -> new ScheduleOverride("bo", NOON, NOON.minusSeconds(60), null))).containsExactly("end");
        assertThat(refusedFields(() -> new ScheduleOverride("bo", NOON, NOON.plusSeconds(60), "bo"))).containsExactly("replaces");
        assertThat(refusedFields(() -> new ScheduleOverride("", null, null, " "))).containsExactly("user", "start", "end", "replaces");
    }

    @Test
    void valuesCannotBeChangedAfterValidation() {
        List<String> users = new ArrayList<>(List.of("ana"));
        Rotation r = new Rotation(DAILY, 1, users, MONDAY_NINE);
        users.clear();

        assertThat(r.users()).containsExactly("ana");
    }
}
