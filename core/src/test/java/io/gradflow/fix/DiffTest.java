package io.gradflow.fix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Unified diffs as diff -u writes them, and edits that do not overlap. */
class DiffTest {

    @Test
    void aChangedLineWithItsContext() {
        String a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        String b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        assertThat(Diff.unified(a, b, "a/x", "b/x")).isEqualTo(
                "--- a/x\n+++ b/x\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
    }

    @Test
    void changesFarApartAreTwoHunksAndAMissingNewlineShows() {
        String a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk";
        String b = "A\nb\nc\nd\ne\nf\ng\nh\ni\nj\nK";
        assertThat(Diff.unified(a, b, "a", "b")).isEqualTo("--- a\n+++ b\n@@ -1,4 +1,4 @@\n-a\n+A\n b\n c\n d\n"
                + "@@ -8,4 +8,4 @@\n h\n i\n j\n-k\n\\ No newline at end of file\n+K\n\\ No newline at end of file\n");
    }

    @Test
    void equalTextsHaveNoDiff() {
        assertThat(Diff.unified("x\n", "x\n", "a", "b")).isEmpty();
    }

    @Test
    void insertionsAtOnePlaceOverlapAndAdjacentReplacementsDoNot() {
        assertThat(Edit.insert(3, "a").overlaps(Edit.insert(3, "b"))).isTrue();
        assertThat(new Edit(0, 3, "x").overlaps(new Edit(3, 5, "y"))).isFalse();
        assertThat(new Edit(0, 4, "x").overlaps(new Edit(3, 5, "y"))).isTrue();
        assertThat(Edit.insert(2, "a").overlaps(new Edit(0, 4, "x"))).isTrue();
        assertThat(Edit.apply("abcdef", List.of(new Edit(4, 6, "EF"), Edit.insert(0, ">"), new Edit(1, 2, "B"))))
                .isEqualTo(">aBcdEF");
    }
}
