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
#include <langinfo.h>
#include <wchar.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
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

// setcchar with an int colour pair (ncurses 6.1 extended pairs pass it through `opts`), so
// more than 32767 pairs work where the terminal has them.
static inline int fw_setcchar_pair(cchar_t *wcval, const wchar_t *wch, attr_t attrs, int pair) {
    return setcchar(wcval, wch, attrs, 0, &pair);
}
static inline int fw_key_mouse_code(void) { return KEY_MOUSE; }
static inline mmask_t fw_wheel_up(void) { return BUTTON4_PRESSED; }
#ifdef BUTTON5_PRESSED
static inline mmask_t fw_wheel_down(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t fw_wheel_down(void) { return 0; }
#endif
static inline mmask_t fw_click_mask(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED; }
static inline mmask_t fw_mouse_mask(void) {
    return BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | fw_wheel_down();
}
static inline const char *fw_codeset(void) { return nl_langinfo(CODESET); }

// Crash restore: if the process dies on a trap or fault (a Swift precondition, a bad
// access), put the terminal back before the default action runs, so the user's shell is
// not left in raw mode on the alternate screen. Only async-signal-safe calls (tcsetattr,
// write, sigaction, raise) happen in the handler.
// Storage lives in function-local statics: Swift's importer emits the inline functions
// that use them, but not file-scope variables without a non-zero initialiser.
struct fw_crash_state {
    struct termios termios;
    int tty_fd;
    int captured_fd;
    char reset[512];
    size_t reset_length;
};
static inline struct fw_crash_state *fw_crash(void) {
    static struct fw_crash_state state = { .tty_fd = -1, .captured_fd = -1 };
    return &state;
}

static void fw_crash_handler(int signo) {
    struct fw_crash_state *state = fw_crash();
    if (state->reset_length > 0 && state->tty_fd >= 0) {
        ssize_t ignored = write(state->tty_fd, state->reset, state->reset_length);
        (void)ignored;
    }
    if (state->tty_fd >= 0) tcsetattr(state->tty_fd, TCSANOW, &state->termios);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, NULL);
    raise(signo);
}

// Remember the terminal's modes before curses changes them.
static inline void fw_capture_termios(int tty_fd) {
    struct fw_crash_state *state = fw_crash();
    state->captured_fd = tcgetattr(tty_fd, &state->termios) == 0 ? tty_fd : -1;
}

// Remember the bytes that leave curses mode and arm the handler (after fw_capture_termios).
static inline void fw_arm_crash_restore(const char *reset, size_t length) {
    struct fw_crash_state *state = fw_crash();
    if (state->captured_fd < 0) return;
    state->tty_fd = state->captured_fd;
    if (length >= sizeof state->reset) length = sizeof state->reset - 1;
    memcpy(state->reset, reset, length);
    state->reset_length = length;
    int signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = fw_crash_handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND;
        sigaction(signals[i], &action, NULL);
    }
}

// Disarm once the terminal is restored normally.
static inline void fw_disarm_crash_restore(void) {
    fw_crash()->tty_fd = -1;
    fw_crash()->reset_length = 0;
}

static inline const char *fw_tigetstr(const char *name) {
    char *value = tigetstr((char *)name);
    if (value == NULL || value == (char *)-1) return "";
    return value;
}

// Whether terminal type `term` (NULL: $TERM) can draw a full screen: 1 when its terminfo entry
// has cursor addressing (`cup`), 0 when it has none (`dumb`, hardcopy), -1 when there is no
// such entry. Loads the entry without starting a screen and frees it again.
// The terminfo calls below live in <term.h>, whose capability macros (`lines`, `columns`, ...)
// must not leak into Swift: declared here with their ncurses signatures instead.
struct term;
extern int setupterm(const char *, int, int *);
extern struct term *set_curterm(struct term *);
extern int del_curterm(struct term *);
static inline int fw_terminal_can_address(const char *term) {
    int error = 0;
    struct term *saved = set_curterm(NULL);
    if (setupterm(term, STDOUT_FILENO, &error) != OK) {
        struct term *partial = set_curterm(saved);
        if (partial != NULL && partial != saved) del_curterm(partial);
        return -1;
    }
    char *cup = tigetstr("cup");
    int usable = cup != NULL && cup != (char *)-1;
    struct term *loaded = set_curterm(saved);
    if (loaded != NULL && loaded != saved) del_curterm(loaded);
    return usable;
}

#endif
