package dev.tocsin.oncall;


/** The unit a rotation hands off in: every N real hours, or every N local days or weeks. */
enum RotationKind {
    HOURLY,
    DAILY,
    WEEKLY
}
