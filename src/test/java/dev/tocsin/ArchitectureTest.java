package dev.tocsin;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.tocsin.config.ConfigRules;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Keeps the package drawing of STYLE.md true: web/cli → features → timeline, auth, config → text. */
class ArchitectureTest {

    /** main() chooses between the server and a command, and hands a command the system clock. */
    private static final String ENTRY_POINT = "dev.tocsin.TocsinApplication";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tocsin");

    @Test
    void featuresDoNotDependOnTheWebOrCliLayers() {
        noClasses().that().resideOutsideOfPackages("dev.tocsin.web..", "dev.tocsin.cli..")
                .and().doNotHaveFullyQualifiedName(ENTRY_POINT)
                .should().dependOnClassesThat().resideInAnyPackage("dev.tocsin.web..", "dev.tocsin.cli..")
                .check(CLASSES);
    }

    @Test
    void theFoundationsDependOnNoFeature() {
        noClasses().that().resideInAnyPackage("dev.tocsin.timeline..", "dev.tocsin.config..", "dev.tocsin.problem..",
                        "dev.tocsin.jdbc..", "dev.tocsin.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tocsin.alert..", "dev.tocsin.incident..",
                        "dev.tocsin.catalog..", "dev.tocsin.auth..", "dev.tocsin.ops..")
                .check(CLASSES);
    }

    @Test
    void configDependsOnNothingElseOfOurs() {
        noClasses().that().resideInAPackage("dev.tocsin.config..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tocsin.timeline..", "dev.tocsin.jdbc..",
                        "dev.tocsin.engine..", "dev.tocsin.problem..")
                .check(CLASSES);
    }

    /** Text helpers (what both databases store alike, SHA-256 keys) serve config and every feature, so sit below both. */
    @Test
    void textDependsOnNothingElseOfOurs() {
        classes().that().resideInAPackage("dev.tocsin.text..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.tocsin.text..", "java..")
                .check(CLASSES);
    }

    @Test
    void incidentsDoNotKnowWhereAlertsComeFrom() {
        noClasses().that().resideInAPackage("dev.tocsin.incident..")
                .should().dependOnClassesThat().resideInAPackage("dev.tocsin.alert..")
                .check(CLASSES);
    }

    @Test
    void aRepositoryIsUsedOnlyInsideItsOwnFeature() {
        for (String feature : new String[] {"alert", "incident", "timeline", "auth"}) {
            classes().that().haveSimpleNameEndingWith("Repository").and().resideInAPackage("dev.tocsin." + feature)
                    .should().onlyBeAccessed().byClassesThat().resideInAPackage("dev.tocsin." + feature)
                    .check(CLASSES);
        }
    }

    /** The server finds the features' rules as beans; {@code tocsin check --once} lists them, and must miss none. */
    @Test
    void checkOnceRunsEveryFeaturesConfigRules() {
        classes().that().implement(ConfigRules.class)
                .should(new ArchCondition<>("be run by tocsin check --once (CheckCommand.FEATURE_RULES)") {
                    @Override
                    public void check(JavaClass rules, ConditionEvents events) {
                        boolean listed = rules.getDirectDependenciesToSelf().stream()
                                .anyMatch(d -> d.getOriginClass().getName().equals("dev.tocsin.cli.CheckCommand"));
                        if (!listed) {
                            events.add(SimpleConditionEvent.violated(rules, rules.getName() + " is not in CheckCommand.FEATURE_RULES"));
                        }
                    }
                })
                .check(CLASSES);
    }

    @Test
    void timeComesFromTheInjectedClock() {
        noClasses().that().resideOutsideOfPackage("dev.tocsin.config..")
                .and().doNotHaveFullyQualifiedName(ENTRY_POINT)
                .should().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.time.Clock.class, "systemUTC")
                .check(CLASSES);
    }
}
