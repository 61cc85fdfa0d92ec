package dev.gatehouse.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The text a chunk gives the search index: words kept, what binary output decodes to reduced to word breaks. */
class SearchTextTest {

    @Test
    void textWithoutBinaryIsKeptAsItIs() {
        String text = "total 12\ndrwxr-xr-x 2 root root 4096 Dec  4 18:20 etc\n";
        assertThat(SessionTape.searchable(text)).isSameAs(text);
    }

    @Test
    void eachRunOfNulOrReplacementCharactersBecomesOneSpace() {
        assertThat(SessionTape.searchable("C0644 12 notes.txt\n\0\0\0secret\uFFFD\uFFFD\0word\0"))
                .isEqualTo("C0644 12 notes.txt\n secret word ");
    }

    @Test
    void aMegabyteOfZerosCostsTheIndexOneSpace() {
        assertThat(SessionTape.searchable("\0".repeat(1 << 20))).isEqualTo(" ");
    }
}
