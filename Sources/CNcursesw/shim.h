// The one place fitwatch includes curses. Swift cannot import curses macros
// (COLOR_PAIR, A_BOLD, KEY_*) and Swift 6 rejects the mutable globals stdscr,
// LINES and COLS, so each is wrapped in a static inline function here.
#ifndef FITWATCH_CNCURSESW_SHIM_H
#define FITWATCH_CNCURSESW_SHIM_H

#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <curses.h>

static inline WINDOW *fw_stdscr(void) { return stdscr; }
static inline int fw_lines(void) { return LINES; }
static inline int fw_cols(void) { return COLS; }
static inline int fw_colors(void) { return COLORS; }
static inline int fw_color_pairs(void) { return COLOR_PAIRS; }
static inline int fw_err(void) { return ERR; }
static inline int fw_ok(void) { return OK; }

static inline attr_t fw_a_normal(void) { return A_NORMAL; }
static inline attr_t fw_a_bold(void) { return A_BOLD; }
static inline attr_t fw_a_dim(void) { return A_DIM; }
static inline attr_t fw_a_underline(void) { return A_UNDERLINE; }
static inline attr_t fw_a_reverse(void) { return A_REVERSE; }
static inline attr_t fw_a_italic(void) { return A_ITALIC; }
static inline attr_t fw_a_blink(void) { return A_BLINK; }

static inline int fw_key_resize(void) { return KEY_RESIZE; }
static inline int fw_key_up(void) { return KEY_UP; }
static inline int fw_key_down(void) { return KEY_DOWN; }
static inline int fw_key_left(void) { return KEY_LEFT; }
static inline int fw_key_right(void) { return KEY_RIGHT; }
static inline int fw_key_enter(void) { return KEY_ENTER; }
static inline int fw_key_btab(void) { return KEY_BTAB; }
static inline int fw_key_backspace(void) { return KEY_BACKSPACE; }
static inline int fw_key_home(void) { return KEY_HOME; }
static inline int fw_key_end(void) { return KEY_END; }
static inline int fw_key_npage(void) { return KEY_NPAGE; }
static inline int fw_key_ppage(void) { return KEY_PPAGE; }
static inline int fw_key_mouse(void) { return KEY_MOUSE; }
static inline int fw_key_code_yes(void) { return KEY_CODE_YES; }

static inline mmask_t fw_all_mouse_events(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t fw_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t fw_button5_pressed(void) { return BUTTON5_PRESSED; }
static inline mmask_t fw_button1_clicked(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED; }

static inline int fw_setcchar(cchar_t *wcval, const wchar_t *wch, attr_t attrs, short pair) {
    return setcchar(wcval, wch, attrs, pair, NULL);
}
static inline int fw_mvadd_wch(int y, int x, const cchar_t *wch) { return mvadd_wch(y, x, wch); }
static inline int fw_attr_pair(attr_t attrs, int pair) { return (int)(attrs | COLOR_PAIR(pair)); }

#endif
