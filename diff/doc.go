// Package diff compares two snapshots of a page and renders the result.
//
// It is pure: Compare takes two snapshots.Snapshot values and returns a
// Result (a list of typed changes in page order), and Render writes a Report
// as text, Markdown, HTML or JSON to an io.Writer. Nothing here reads files,
// the network or the clock, so the same inputs always give the same bytes.
//
// # Rendering
//
// Everything a report says is an input, never patched into its output
// afterwards: the Report holds both sides, the window and where each side
// came from (FromSource, ToSource: a live check, a Wayback Machine capture
// or an imported file), and RenderOptions say what the report is part of
// (HeadingLevel for Markdown nested under another heading, Fragment for
// HTML embedded in an Atom entry) and how to label the stamp's time zone
// (StampZone). The JSON rendering is therefore the same bytes whoever
// renders a report. The wording of a change set (Result.Describe,
// Result.SummaryLine, AppendCounts for stored counts) lives here too, so
// that every output words and orders a change alike.
//
// # What a change is
//
// Header fields are compared one by one: title_changed, stamp_changed
// (the declared stamp as printed), lead_changed, and caption_added,
// caption_removed or caption_changed (captions are matched as a multiset,
// then by similarity).
//
// Sections are matched in four passes:
//
//  1. by path (the headings from the top down), duplicates in page order;
//  2. by heading alone among the leftovers (same heading, other path);
//  3. after block matching, by content: an unmatched old and new section
//     whose blocks and sub-sections mostly went to each other (Dice over
//     those counts strictly above 0.5) are the same section renamed; two
//     empty sections under matching parents pair on heading similarity
//     (Dice over words ≥ 0.5) instead. A heading that disappears (a
//     "Highlights" section whose bullets now open the page untitled) is
//     thus, when the page had no untitled section before, one change: a
//     rename to the untitled section;
//  4. anything left is section_added or section_removed, and carries its
//     blocks that were not matched anywhere else.
//
// A matched section is section_renamed when its heading changed, otherwise
// section_moved when its parent is not the counterpart of its old parent or
// it is off the longest common subsequence of its matched siblings (so a
// section whose siblings were merely inserted or removed is not moved).
// A renamed section that also moved is reported once, as section_renamed;
// its two paths show the move.
//
// Blocks are matched across the whole page, not only within a section, so
// text that survives a restructure (accordion sections turned into flat
// headings, paragraphs turned into bullets) is reported as moved rather than
// removed and added:
//
//  1. exact text within matched section pairs, then exact text anywhere,
//     both in page order;
//  2. among the leftovers, word similarity: Dice coefficient over the
//     lower-cased word multisets, threshold 0.5 (inclusive); a block of 8
//     words or more whose words are 80% inside a longer one (a sentence
//     that grew into a longer bullet) scores the threshold. Candidates come
//     from an inverted index of the old leftovers' words, ignoring words
//     found in more than 100 of them; the old blocks sharing at least half
//     as many of those words as the best one are candidates, at most 24 per
//     new block. The pass stops after 400,000 scored pairs or 4,000,000
//     index visits, so a rewrite of thousands of blocks stays bounded; what
//     is left then is reported, deterministically, as added and removed.
//     Pairs are taken best score first, ties broken by same section, then
//     new and old page order.
//
// A matched pair of blocks is:
//   - unchanged when its text and kind are equal, its sections are matched
//     to each other and it lies on the longest common subsequence of the
//     pairs shared by those two sections;
//   - block_moved when the text is equal but the section differs, the kind
//     differs (paragraph turned bullet) or it is off that subsequence
//     (reordered within its section);
//   - block_changed when the text differs, wherever it moved: a moved and
//     reworded block is one block_changed whose old and new paths differ.
//
// Rewordings (title, lead, captions, blocks, renamed headings) carry an
// inline word-level diff, see Inline.
//
// Comparison is in terms of the snapshots' normalised text (see
// snapshots.NormalizeText); text that is not valid UTF-8 is repaired with
// U+FFFD first, so changes always hold valid UTF-8.
//
// # Order
//
// Changes are listed in the page order of the new snapshot: header fields
// first, then sections and blocks where they now stand. A removal is listed
// right after the new position of the nearest preceding old item that
// stayed in place.
package diff
