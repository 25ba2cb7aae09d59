package dev.tocsin.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlTextTest {

    private static final String FIRE = "\uD83D\uDD25";

    @Test
    void textWithPairsIsStorableAndTextWithHalvesIsNot() {
        assertThat(SqlText.problem(null)).isNull();
        assertThat(SqlText.problem("disk " + FIRE + " full")).isNull();
        assertThat(SqlText.problem("a\u0000b")).isEqualTo("contains a NUL character");
        assertThat(SqlText.problem("ab\uD83D")).startsWith("contains an unpaired surrogate (U+D83D at character 3)");
        assertThat(SqlText.problem("\uDD25\uD83D")).startsWith("contains an unpaired surrogate (U+DD25 at character 1)");
    }

    @Test
    void storableReplacesWhatCannotBeStoredAndKeepsPairs() {
        String ok = "disk " + FIRE + " full";
        assertThat(SqlText.storable(ok)).isSameAs(ok);
        assertThat(SqlText.storable("a\u0000" + FIRE + "\uD83Db\uDD25")).isEqualTo("a\uFFFD" + FIRE + "\uFFFDb\uFFFD");
        assertThat(SqlText.storable(null)).isNull();
    }

    @Test
    void cuttingNeverLeavesHalfAPair() {
        assertThat(SqlText.truncate("ab" + FIRE, 3)).isEqualTo("ab");
        assertThat(SqlText.truncate("ab" + FIRE, 4)).isEqualTo("ab" + FIRE);
        assertThat(SqlText.truncate("abcd", 2)).isEqualTo("ab");
        assertThat(SqlText.abbreviate("ab" + FIRE + "cd", 4)).isEqualTo("ab…");
        assertThat(SqlText.abbreviate("abcdef", 4)).isEqualTo("abc…");
        assertThat(SqlText.abbreviate("abc", 4)).isEqualTo("abc");
        assertThat(SqlText.problem(SqlText.abbreviate(FIRE.repeat(10), 6))).isNull();
    }
}
