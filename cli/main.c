/* main.c - the unspin command: parses options, reads input, calls libunspin,
 * writes output and chooses the exit status.  No text processing lives here. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "unspin.h"


static const char usage_text[] =
    "Usage: unspin [OPTIONS] [FILE... | -]\n"
    "       unspin build -o OUT [--order N] [--memory MIB] [--temp-dir DIR]\n"
    "                    [--thesaurus MYTHES.dat]... [--synonym-list FILE]...\n"
    "                    [FILE... | -]\n"
    "       unspin build -o OUT --arpa MODEL.arpa\n"
    "       unspin merge -o OUT [--order N] DICT...\n"
    "       unspin lookup -d DICT PHRASE...\n"
    "       unspin check DICT...\n"
    "       unspin learn -o PROFILE --pairs ORIG SPUN [ORIG SPUN...]\n"
    "       unspin learn -o PROFILE --pairs-from LIST\n"
    "       unspin learn -o PROFILE --merge PROFILE...\n"
    "       unspin learn [-o PROFILE] [--stats-out STATS] [--stats-in STATS]...\n"
    "                    [-d DICT]... [--no-default-dict] [-j N]\n"
    "                    [--jsonl [--text-field NAME]] [SPUN...]\n"
    "\n"
    "Restores text that an article spinner rewrote with synonyms.  Each FILE\n"
    "(or standard input) is written to standard output in turn.\n"
    "\n"
    "Options:\n"
    "  -d, --dict FILE      also restore against this phrase dictionary (repeatable;\n"
    "                       a back-off model from build --arpa joins the general model)\n"
    "      --no-default-dict  do not load the default dictionary (nor its back-off\n"
    "                       model, DEFAULT.lm.undict beside it)\n"
    "      --diff           mark each restoration inline, [-spun-]{+original+}\n"
    "                       (coloured on a terminal unless NO_COLOR is set)\n"
    "      --json           one JSON object per file: verdict, score, per-token detail\n"
    "      --jsonl          read JSON Lines records and write one line per record: its\n"
    "                       fields, then verdict, score, restored and edits\n"
    "                       (a malformed record gives an error record; docs/jsonl.md)\n"
    "      --text-field NAME  the records' text field (default: text)\n"
    "      --max-record MIB  longest record line (default 64; longer: an error record)\n"
    "      --detect         print one line per file, FILE: spun SCORE or FILE: clean SCORE;\n"
    "                       exit 0 if all are clean, 1 if any is spun (SCORE, as the\n"
    "                       JSON's score: the estimated share of spun words)\n"
    "      --strict         treat invalid UTF-8 as an error instead of passing it through\n"
    "                       (--jsonl: stop at the first malformed record)\n"
    "      --always         restore every file, also those the verdict calls clean\n"
    "                       (by default a clean file is written out unchanged,\n"
    "                       which a line on standard error says)\n"
    "  -q, --quiet          no such line\n"
    "  -j, --jobs N         restore the files in N threads over one engine (output\n"
    "                       in input order; each file's output is held until its turn)\n"
    "      --profile FILE   a spinner's table: a profile from learn, or a plain list\n"
    "                       key|syn1|syn2|... (repeatable; docs/profile-format.md)\n"
    "      --hunspell PATH  hunspell dictionary PATH.aff/PATH.dic for stems\n"
    "                       (default: the system's en_US; --hunspell= for none)\n"
    "      --wordnet DIR    WordNet exception lists for irregular forms\n"
    "                       (default: the system's; --wordnet= for none)\n"
    "      --param NAME=VALUE  set a model parameter (see docs/model.md)\n"
    "  -h, --help           show this help\n"
    "  -V, --version        show the version and the dictionaries it loads\n"
    "\n"
    "build counts the 1- to N-grams (default N=5) of clean text files into a\n"
    "dictionary, with the inverted synonym lists of MyThes thesauri and of flat\n"
    "synonym lists (headword,term,term,... per line, as the Moby thesaurus), and\n"
    "on a terminal shows bytes read, n-grams counted and runs spilled;\n"
    "build --arpa compiles a back-off language model in the ARPA format instead;\n"
    "merge combines dictionaries; lookup prints n-gram counts; check reads\n"
    "dictionaries whole and verifies every table (otherwise each block of one\n"
    "is checked when first read).  learn estimates a spinner's table from\n"
    "originals and their spun copies (--pairs, or a LIST of\n"
    "ORIG<TAB>SPUN lines) and writes it as a counted profile; learn --merge adds\n"
    "up profiles learned on shards.  learn SPUN... estimates it from spun text\n"
    "alone, by EM against the general model and word lists; --stats-out writes\n"
    "the texts' statistics instead, and --stats-in adds statistics of shards;\n"
    "with --jsonl the SPUN files are JSON Lines records.\n"
    "\n"
    "Exit status: 0 on success (with --detect: all clean), 1 with --detect when\n"
    "a file is spun, 2 on error.\n";

/* -q: no note on standard error when the verdict leaves a file unchanged;
 * judged: there is a verdict (a dictionary or profile is loaded) */
static int quiet, judged;

/* The default dictionary: $UNSPIN_DEFAULT_DICT, else the one installed
 * beside the command (the install tree moved as a whole, as onto the nodes
 * of a cluster), else the one installed where the build put it, else the
 * one in the build tree; NULL if none exists. */
static const char *default_dict_path(void) {
  const char *env = getenv("UNSPIN_DEFAULT_DICT");
  if (env && *env)
    return env;
  static char beside[4096];
  ssize_t n = readlink("/proc/self/exe", beside, sizeof beside - 1);
  char *slash = NULL;
  for (ssize_t i = 0; i < n; i++)
    slash = beside[i] == '/' ? beside + i : slash;
  static char resolved[PATH_MAX];
  if (slash && (size_t)(slash + 1 - beside) + sizeof UNSPIN_RELATIVE_DICT <= sizeof beside)
    memcpy(slash + 1, UNSPIN_RELATIVE_DICT, sizeof UNSPIN_RELATIVE_DICT);
  else
    beside[0] = '\0';
  if (!beside[0] || !realpath(beside, resolved))
    resolved[0] = '\0';
  const char *const candidates[] = {resolved, UNSPIN_INSTALLED_DICT, UNSPIN_BUILD_TREE_DICT};
  for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
    struct stat st;
    if (!stat(candidates[i], &st) && S_ISREG(st.st_mode))
      return candidates[i];
  }
  return NULL;
}

typedef struct dict_list {
  unspin_dict **v;
  const char **path; /* where each was loaded from */
  size_t n;
  size_t ndomain; /* the first ndomain are the user's; the rest general */
} dict_list;

static int load_dict(dict_list *l, const char *path) {
  unspin_error err;
  unspin_dict *d;
  if (unspin_dict_open(&d, path, UNSPIN_DICT_DEFAULT, &err) != UNSPIN_OK)
    return fail(NULL, err.message);
  unspin_dict **v = realloc(l->v, (l->n + 1) * sizeof *v);
  const char **p = v ? realloc(l->path, (l->n + 1) * sizeof *p) : NULL;
  char *copy = p ? strdup(path) : NULL;
  l->v = v ? v : l->v;
  l->path = p ? p : l->path;
  if (!copy) {
    unspin_dict_free(d);
    return fail(NULL, "out of memory");
  }
  v[l->n] = d;
  p[l->n++] = copy;
  return 0;
}

/* The default dictionary's back-off model: DEFAULT.lm.undict beside it
 * (DEFAULT without its .undict suffix); none is not an error. */
static int load_sibling_model(dict_list *l, const char *def) {
  size_t len = strlen(def), stem = len;
  static const char suffix[] = ".undict", lm[] = ".lm.undict";
  if (len >= sizeof suffix - 1 && !strcmp(def + len - (sizeof suffix - 1), suffix))
    stem -= sizeof suffix - 1;
  char *path = malloc(stem + sizeof lm);
  if (!path)
    return fail(NULL, "out of memory");
  memcpy(path, def, stem);
  memcpy(path + stem, lm, sizeof lm);
  struct stat st;
  int rc = !stat(path, &st) && S_ISREG(st.st_mode) ? load_dict(l, path) : 0;
  free(path);
  return rc;
}

static void free_dicts(dict_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    unspin_dict_free(l->v[i]);
    free((char *)l->path[i]);
  }
  free(l->v);
  free(l->path);
}

/* --version: the program's version and the dictionaries it would load,
 * with their identities, so that the nodes of a cluster can be checked
 * for the same model. */
static int print_version(const dict_list *l) {
  printf("unspin %s\n", unspin_version_string());
  for (size_t i = 0; i < l->n; i++)
    printf("%s: %s (id %016llx, order %d)\n",
           unspin_dict_is_backoff(l->v[i]) ? "model" : "dictionary", l->path[i],
           (unsigned long long)unspin_dict_id(l->v[i]), unspin_dict_order(l->v[i]));
  if (!l->n)
    printf("dictionary: none\n");
  return finish_output();
}

typedef enum { OUT_TEXT, OUT_DETECT, OUT_DIFF, OUT_JSON } out_mode;

/* Writes the result of one window as text, diff or JSON. */
static int write_result(const unspin_result *res, const char *path, out_mode mode) {
  if (mode == OUT_TEXT) {
    size_t out_len;
    const char *out = unspin_result_text(res, &out_len);
    return write_output(out, out_len);
  }
  char *buf;
  size_t len;
  const char *color = getenv("NO_COLOR");
  unsigned flags = mode == OUT_DIFF && isatty(STDOUT_FILENO) && !(color && *color)
                       ? UNSPIN_RENDER_COLOR
                       : 0;
  if (unspin_result_render(res, mode == OUT_DIFF ? UNSPIN_FORMAT_DIFF : UNSPIN_FORMAT_JSON, flags,
                           path, &buf, &len) != UNSPIN_OK)
    return fail(path, "out of memory");
  int rc = write_output(buf, len);
  unspin_free(buf);
  return rc;
}

/* What the windows of one file add up to. */
typedef struct file_totals {
  window_totals verdict;
  size_t invalid;
  int64_t first_invalid;
} file_totals;

/* Analyses window [off, off + len) of a file and writes its output. */
static int restore_window(const unspin_engine *engine, const char *path, out_mode mode,
                          const char *data, size_t len, uint64_t off, file_totals *t) {
  unspin_result *res;
  unspin_error err;
  if (unspin_analyze(engine, data, len, &res, &err) != UNSPIN_OK) {
    if (err.status == UNSPIN_ERR_UTF8)
      snprintf(err.message, sizeof err.message, "invalid UTF-8 at byte offset %lld",
               (long long)(err.offset + (int64_t)off));
    return fail(path, err.message);
  }
  int64_t first;
  size_t bad = unspin_result_invalid_utf8(res, &first);
  if (bad && !t->invalid)
    t->first_invalid = first + (int64_t)off;
  t->invalid += bad;
  totals_add(&t->verdict, res);
  int rc = 0;
  if (mode != OUT_DETECT) {
    /* JSON: one object per window, named FILE@OFFSET after the first */
    char name[4096];
    if (off)
      snprintf(name, sizeof name, "%s@%llu", path, (unsigned long long)off);
    rc = write_result(res, off ? name : path, mode);
  }
  unspin_result_free(res);
  return rc;
}

/* Restores one file window by window (WINDOW bytes at a time, cut
 * at paragraph or line ends), so memory does not grow with the file. */
static int restore_file(const unspin_engine *engine, const char *path, out_mode mode,
                        int always, int *spun) {
  FILE *f;
  if (open_input(path, &f))
    return EXIT_ERROR;
  char *buf = malloc(2 * WINDOW);
  if (!buf) {
    close_input(f);
    return fail(path, "out of memory");
  }
  file_totals t = {0};
  size_t len = 0;
  uint64_t off = 0;
  int rc = 0, eof = 0;
  while (!rc) {
    while (!eof && len <= WINDOW) { /* one byte past a window: is it a character boundary? */
      size_t n = fread(buf + len, 1, 2 * WINDOW - len, f);
      len += n;
      eof = n == 0;
    }
    if (ferror(f)) {
      rc = fail(path, strerror(errno ? errno : EIO));
      break;
    }
    if (!len && t.verdict.windows)
      break;
    size_t cut = eof && len <= WINDOW ? len : window_cut(buf, WINDOW);
    rc = restore_window(engine, path, mode, buf, cut, off, &t);
    memmove(buf, buf + cut, len - cut);
    len -= cut;
    off += cut;
    if (eof && !len)
      break;
  }
  free(buf);
  close_input(f);
  if (rc)
    return rc;
  if (t.invalid)
    note("%s: %s: warning: invalid UTF-8 at byte offset %lld (%zu invalid sequence%s, "
            "passed through unchanged)\n",
            prog, path, (long long)t.first_invalid, t.invalid, t.invalid == 1 ? "" : "s");
  if ((mode == OUT_TEXT || mode == OUT_DIFF) && judged && !t.verdict.spun_window && !always &&
      !quiet)
    note("%s: %s: judged clean (estimated share of spun words %.3f); written out "
            "unchanged (--always restores it anyway)\n",
            prog, strcmp(path, "-") ? path : "(standard input)",
            totals_score(&t.verdict));
  if (mode != OUT_DETECT)
    return 0;
  /* the file's score: its windows' scores weighted by their tokens */
  double score = totals_score(&t.verdict);
  int is_spun = totals_spun(&t.verdict, engine);
  *spun |= is_spun;
  const char *name = strcmp(path, "-") ? path : "(standard input)";
  size_t n = strlen(name) + 32;
  char *line = malloc(n);
  if (!line)
    return fail(path, "out of memory");
  snprintf(line, n, "%s: %s %.3f\n", name, is_spun ? "spun" : "clean", score);
  int wrc = write_output(line, strlen(line));
  free(line);
  return wrc;
}

/* -j N: files restored by N worker threads over the one engine, written
 * out in input order.  Each file's output is held until its turn (memory
 * grows with the files in flight, not with the windows of one file).
 * After a file that fails, no further output is written, as with one
 * thread. */
typedef struct jobs {
  const unspin_engine *engine;
  char **files;
  out_mode mode;
  int always;
  struct job_slot {
    sink s;
    int rc, spun;
  } *slot;
} jobs;

static void restore_work(void *ctx, size_t i, size_t worker) {
  jobs *j = ctx;
  (void)worker;
  struct job_slot *s = &j->slot[i];
  cur_sink = &s->s;
  s->rc = restore_file(j->engine, j->files[i], j->mode, j->always, &s->spun);
  cur_sink = NULL;
}

static int restore_done(void *ctx, size_t i) {
  jobs *j = ctx;
  struct job_slot *s = &j->slot[i];
  int rc = sink_flush(&s->s, j->files[i]);
  return s->rc ? s->rc : rc;
}

static int restore_parallel(const unspin_engine *engine, char **files, size_t n, out_mode mode,
                            int always, long nthreads, int *spun) {
  jobs j = {.engine = engine, .files = files, .mode = mode, .always = always};
  if (!(j.slot = calloc(n, sizeof *j.slot)))
    return fail(NULL, "out of memory");
  int rc = par_run(n, (size_t)nthreads, restore_work, restore_done, &j);
  for (size_t i = 0; i < n; i++) {
    *spun |= j.slot[i].spun;
    free(j.slot[i].s.out);
    free(j.slot[i].s.err);
  }
  free(j.slot);
  return rc;
}

static int load_profile(const char *path, unspin_profile **out) {
  char *data;
  size_t len;
  int rc = read_input(path, &data, &len);
  if (rc)
    return rc;
  unspin_error err;
  if (unspin_profile_parse(out, data, len, path, &err) != UNSPIN_OK)
    rc = fail(NULL, err.message);
  free(data);
  return rc;
}

/* Loads PATH.aff and PATH.dic; a missing default is not an error. */
static int load_hunspell(unspin_engine *engine, const char *path) {
  size_t n = strlen(path);
  char *aff = malloc(n + 5), *dic = malloc(n + 5);
  int rc = 0;
  if (!aff || !dic) {
    rc = fail(NULL, "out of memory");
  } else {
    snprintf(aff, n + 5, "%s.aff", path);
    snprintf(dic, n + 5, "%s.dic", path);
    struct stat st;
    unspin_error err;
    int is_default = !strcmp(path, UNSPIN_HUNSPELL_DICT);
    if (!(is_default && stat(dic, &st)) &&
        unspin_engine_load_hunspell(engine, aff, dic, &err) != UNSPIN_OK)
      rc = fail(NULL, err.message);
  }
  free(aff);
  free(dic);
  return rc;
}

/* Loads WordNet's exception lists; a missing default is not an error. */
static int load_exceptions(unspin_engine *engine, const char *dir) {
  struct stat st;
  if (!strcmp(dir, UNSPIN_WORDNET_DIR) && stat(dir, &st))
    return 0;
  unspin_error err;
  if (unspin_engine_load_exceptions(engine, dir, &err) != UNSPIN_OK)
    return fail(NULL, err.message);
  return 0;
}

/* Applies one --param NAME=VALUE. */
static int set_param(unspin_engine *engine, const char *arg) {
  const char *eq = strchr(arg, '=');
  char name[64], *end;
  if (!eq || (size_t)(eq - arg) >= sizeof name)
    return fail(arg, "--param takes NAME=VALUE");
  memcpy(name, arg, (size_t)(eq - arg));
  name[eq - arg] = '\0';
  errno = 0;
  double v = strtod(eq + 1, &end);
  if (errno || end == eq + 1 || *end ||
      unspin_engine_set_param(engine, name, v) != UNSPIN_OK)
    return fail(arg, "unknown parameter or value out of range");
  return 0;
}

static int parse_count(const char *s, long min, long max, long *out);

static int cmd_restore(int argc, char **argv) {
  static const struct option longopts[] = {
      {"dict", required_argument, NULL, 'd'}, {"no-default-dict", no_argument, NULL, 'n'},
      {"strict", no_argument, NULL, 's'},     {"help", no_argument, NULL, 'h'},
      {"param", required_argument, NULL, 'p'},  {"profile", required_argument, NULL, 'P'},
      {"hunspell", required_argument, NULL, 'H'},  {"detect", no_argument, NULL, 'D'},
      {"wordnet", required_argument, NULL, 'W'},  {"always", no_argument, NULL, 'A'},
      {"diff", no_argument, NULL, 'F'},            {"json", no_argument, NULL, 'J'},
      {"version", no_argument, NULL, 'V'},    {"quiet", no_argument, NULL, 'q'},
      {"jobs", required_argument, NULL, 'j'}, {"jsonl", no_argument, NULL, 'L'},
      {"text-field", required_argument, NULL, 'T'},
      {"max-record", required_argument, NULL, 'M'}, {NULL, 0, NULL, 0}};
  long njobs = 1, max_record_mib = 64;
  int jsonl = 0, version = 0;
  const char *text_field = "text";
  unspin_options opts;
  unspin_options_init(&opts);
  dict_list dicts = {0};
  const char *params[32];
  size_t nparams = 0;
  unspin_profile *profiles[UNSPIN_MAX_DICTS];
  size_t nprofiles = 0;
  int use_default = 1, c, rc = 0, spun = 0;
  out_mode mode = OUT_TEXT;
  const char *hunspell = UNSPIN_HUNSPELL_DICT, *wordnet = UNSPIN_WORDNET_DIR;
  while ((c = getopt_long(argc, argv, "d:hVqj:", longopts, NULL)) != -1) {
    switch (c) {
    case 'q': quiet = 1; break;
    case 'j':
      if (parse_count(optarg, 1, 256, &njobs)) {
        rc = fail(optarg, "-j takes a number of threads from 1 to 256");
        goto done;
      }
      break;
    case 'd':
      if ((rc = load_dict(&dicts, optarg)))
        goto done;
      break;
    case 'n': use_default = 0; break;
    case 'H': hunspell = optarg; break;
    case 'W': wordnet = optarg; break;
    case 'D': mode = OUT_DETECT; break;
    case 'F': mode = OUT_DIFF; break;
    case 'J': mode = OUT_JSON; break;
    case 'L': jsonl = 1; break;
    case 'T': text_field = optarg; break;
    case 'M':
      if (parse_count(optarg, 1, 4096, &max_record_mib)) {
        rc = fail(optarg, "--max-record takes a number of MiB from 1 to 4096");
        goto done;
      }
      break;
    case 's': opts.flags |= UNSPIN_OPT_STRICT_UTF8; break;
    case 'A': opts.flags |= UNSPIN_OPT_RESTORE_CLEAN; break;
    case 'p':
      if (nparams == sizeof params / sizeof *params) {
        rc = fail(NULL, "at most 32 --param options");
        goto done;
      }
      params[nparams++] = optarg;
      break;
    case 'P':
      if (nprofiles == UNSPIN_MAX_DICTS) {
        rc = fail(NULL, "too many --profile options");
        goto done;
      }
      if ((rc = load_profile(optarg, &profiles[nprofiles])))
        goto done;
      nprofiles++;
      break;
    case 'h': fputs(usage_text, stdout); goto done;
    case 'V': version = 1; break;
    default: fputs(usage_text, stderr); rc = EXIT_ERROR; goto done;
    }
  }
  if (mode == OUT_DETECT) /* the verdict is all it writes */
    opts.flags |= UNSPIN_OPT_DETECT_ONLY;
  if (mode != OUT_JSON) /* only JSON shows the tokens' spin and candidates */
    opts.flags |= UNSPIN_OPT_NO_TOKEN_DETAIL;
  if (jsonl && mode != OUT_TEXT) {
    rc = fail(NULL, "--jsonl writes records: not with --json, --diff or --detect");
    goto done;
  }
  dicts.ndomain = dicts.n;
  const char *def = use_default ? default_dict_path() : NULL;
  if (def && (rc = load_dict(&dicts, def)))
    goto done;
  if (def && (rc = load_sibling_model(&dicts, def)))
    goto done;
  if (version) {
    rc = print_version(&dicts);
    goto done;
  }
  unspin_engine *engine;
  unspin_error err;
  if (unspin_engine_new(&engine, &opts, &err) != UNSPIN_OK) {
    rc = fail(NULL, err.message);
    goto done;
  }
  for (size_t i = 0; i < dicts.n && !rc; i++)
    if (unspin_engine_add_dict(engine, dicts.v[i],
                               i < dicts.ndomain && !unspin_dict_is_backoff(dicts.v[i])
                                   ? UNSPIN_ROLE_DOMAIN
                                   : UNSPIN_ROLE_GENERAL) !=
        UNSPIN_OK)
      rc = fail(NULL, "too many dictionaries");
  if (!rc && *hunspell)
    rc = load_hunspell(engine, hunspell);
  if (!rc && *wordnet)
    rc = load_exceptions(engine, wordnet);
  for (size_t i = 0; i < nprofiles && !rc; i++)
    if (unspin_engine_add_profile(engine, profiles[i]) != UNSPIN_OK)
      rc = fail(NULL, "too many profiles");
  for (size_t i = 0; i < nparams && !rc; i++)
    rc = set_param(engine, params[i]);
  int always = !!(opts.flags & UNSPIN_OPT_RESTORE_CLEAN);
  judged = dicts.n || nprofiles;
  jsonl_options jo = {.text_field = text_field, .strict = !!(opts.flags & UNSPIN_OPT_STRICT_UTF8),
                      .quiet = quiet, .max_record = (size_t)max_record_mib << 20,
                      .njobs = njobs};
  if (jsonl) {
    if (optind == argc && !rc)
      rc = jsonl_restore(engine, "-", &jo);
    for (int i = optind; i < argc && !rc; i++)
      rc = jsonl_restore(engine, argv[i], &jo);
  } else if (optind == argc && !rc)
    rc = restore_file(engine, "-", mode, always, &spun);
  else if (njobs > 1 && argc - optind > 1 && !rc)
    rc = restore_parallel(engine, argv + optind, (size_t)(argc - optind), mode, always, njobs,
                          &spun);
  else
    for (int i = optind; i < argc && !rc; i++)
      rc = restore_file(engine, argv[i], mode, always, &spun);
  unspin_engine_free(engine);
  if (!rc)
    rc = finish_output();
  if (!rc && spun)
    rc = 1;
done:
  for (size_t i = 0; i < nprofiles; i++)
    unspin_profile_free(profiles[i]);
  free_dicts(&dicts);
  return rc;
}

static int parse_count(const char *s, long min, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

/* A progress line on a terminal while building: bytes read, n-grams
 * counted, runs spilled. */
static void build_progress(const unspin_builder *b, uint64_t bytes) {
  if (isatty(STDERR_FILENO))
    fprintf(stderr, "\r%s build: %.1f MB read, %llu n-grams counted, %zu spill%s", prog,
            (double)bytes / 1e6, (unsigned long long)unspin_builder_ngram_count(b),
            unspin_builder_spill_count(b), unspin_builder_spill_count(b) == 1 ? "" : "s");
}

/* Streams one text file into the builder in blocks; *bytes counts what was
 * read. */
static int feed_file(unspin_builder *b, const char *path, uint64_t *bytes) {
  FILE *f;
  if (open_input(path, &f))
    return EXIT_ERROR;
  char *buf = malloc(READ_CHUNK);
  int rc = buf ? 0 : fail(path, "out of memory");
  unspin_error err;
  size_t n;
  while (!rc && (n = fread(buf, 1, READ_CHUNK, f)) > 0) {
    if (unspin_builder_feed(b, buf, n, &err) != UNSPIN_OK)
      rc = fail(path, err.message);
    *bytes += n;
    build_progress(b, *bytes);
  }
  if (!rc && ferror(f))
    rc = fail(path, strerror(errno));
  if (!rc && unspin_builder_end_document(b, &err) != UNSPIN_OK)
    rc = fail(path, err.message);
  free(buf);
  close_input(f);
  return rc;
}

/* build and merge share everything but what their operands are. */
static int cmd_build(int argc, char **argv, int merge) {
  static const struct option longopts[] = {
      {"output", required_argument, NULL, 'o'}, {"order", required_argument, NULL, 'n'},
      {"memory", required_argument, NULL, 'm'}, {"temp-dir", required_argument, NULL, 't'},
      {"thesaurus", required_argument, NULL, 'T'},
      {"synonym-list", required_argument, NULL, 'L'}, {"help", no_argument, NULL, 'h'},
      {"arpa", required_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
  unspin_build_options bo;
  unspin_build_options_init(&bo);
  const char *out = NULL, *arpa = NULL;
  const char *thesauri[16];
  int listed[16]; /* thesauri[i] is a flat synonym list, not MyThes */
  size_t nthesauri = 0;
  long v;
  int c;
  while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'o': out = optarg; break;
    case 'n':
      if (parse_count(optarg, 1, 8, &v))
        return fail(NULL, "--order takes a number from 1 to 8");
      bo.order = (int)v;
      break;
    case 'm':
      if (parse_count(optarg, 1, 1L << 20, &v))
        return fail(NULL, "--memory takes a number of MiB from 1 to 1048576");
      bo.memory_limit = (size_t)v << 20;
      break;
    case 't': bo.temp_dir = optarg; break;
    case 'a': arpa = optarg; break;
    case 'T':
    case 'L':
      if (nthesauri == sizeof thesauri / sizeof *thesauri)
        return fail(NULL, "at most 16 --thesaurus and --synonym-list files");
      listed[nthesauri] = c == 'L';
      thesauri[nthesauri++] = optarg;
      break;
    case 'h': fputs(usage_text, stdout); return 0;
    default: fputs(usage_text, stderr); return EXIT_ERROR;
    }
  }
  if (!out)
    return fail(NULL, merge ? "merge needs -o OUT" : "build needs -o OUT");
  if (merge && optind == argc)
    return fail(NULL, "merge needs at least one dictionary");
  if (arpa && (merge || optind < argc || nthesauri))
    return fail(NULL, "build --arpa takes the model alone: no text, thesaurus or dictionary");
  unspin_builder *b;
  unspin_error err;
  if (unspin_builder_new(&b, &bo, &err) != UNSPIN_OK)
    return fail(NULL, err.message);
  int rc = 0;
  if (arpa && unspin_builder_add_arpa(b, arpa, &err) != UNSPIN_OK)
    rc = fail(NULL, err.message);
  for (size_t i = 0; i < nthesauri && !rc; i++)
    if ((listed[i] ? unspin_builder_add_synonym_list : unspin_builder_add_thesaurus)(
            b, thesauri[i], &err) != UNSPIN_OK)
      rc = fail(NULL, err.message);
  uint64_t bytes = 0;
  if (!rc && !merge && !arpa && optind == argc)
    rc = feed_file(b, "-", &bytes);
  for (int i = optind; i < argc && !rc; i++) {
    if (!merge) {
      rc = feed_file(b, argv[i], &bytes);
      continue;
    }
    unspin_dict *d;
    if (unspin_dict_open(&d, argv[i], UNSPIN_DICT_DEFAULT, &err) != UNSPIN_OK) {
      rc = fail(NULL, err.message);
      break;
    }
    if (unspin_builder_add_dict(b, d, &err) != UNSPIN_OK)
      rc = fail(argv[i], err.message);
    unspin_dict_free(d);
  }
  if (bytes)
    progress_end();
  if (!rc && unspin_builder_write(b, out, &err) != UNSPIN_OK)
    rc = fail(NULL, err.message);
  if (!rc && arpa && unspin_builder_skipped(b))
    fprintf(stderr, "%s: %s: %zu n-grams left out (a word that is not a normalised key, "
                    "or no prefix in the model)\n", prog, arpa, unspin_builder_skipped(b));
  unspin_builder_free(b);
  return rc;
}

static int cmd_lookup(int argc, char **argv) {
  dict_list dicts = {0};
  int c, rc = 0;
  while ((c = getopt(argc, argv, "d:h")) != -1) {
    if (c == 'd') {
      if ((rc = load_dict(&dicts, optarg)))
        goto done;
    } else if (c == 'h') {
      fputs(usage_text, stdout);
      goto done;
    } else {
      fputs(usage_text, stderr);
      rc = EXIT_ERROR;
      goto done;
    }
  }
  if (!dicts.n) {
    rc = fail(NULL, "lookup needs -d DICT");
    goto done;
  }
  if (unspin_dict_is_backoff(dicts.v[0])) {
    rc = fail(NULL, "lookup: a back-off model holds probabilities, not counts");
    goto done;
  }
  for (int i = optind; i < argc && !rc; i++) {
    unspin_ngram_stats s;
    unspin_status st = unspin_dict_lookup(dicts.v[0], argv[i], strlen(argv[i]), &s);
    unspin_error err;
    if (st == UNSPIN_ERR_FORMAT && unspin_dict_damage(dicts.v[0], &err) != UNSPIN_OK) {
      rc = fail(NULL, err.message);
      break;
    }
    if (st != UNSPIN_OK) {
      rc = fail(argv[i], unspin_strerror(st));
      break;
    }
    printf("%s\t%llu\t%llu\t%llu\n", argv[i], (unsigned long long)s.count,
           (unsigned long long)s.left_types, (unsigned long long)s.right_types);
  }
  if (!rc)
    rc = finish_output();
done:
  free_dicts(&dicts);
  return rc;
}

/* Reads LIST: one pair a line, ORIG<TAB>SPUN (or two fields separated by
 * spaces when there is no tab); blank lines and lines starting with # are
 * skipped.  Appends the paths to *v (malloc'ed strings). */
static int read_pair_list(const char *list, char ***v, size_t *n) {
  char *data;
  size_t len;
  int rc = read_input(list, &data, &len);
  if (rc)
    return rc;
  size_t line = 0;
  for (size_t at = 0; at < len && !rc;) {
    char *nl = memchr(data + at, '\n', len - at);
    size_t end = nl ? (size_t)(nl - data) : len, l = end - at;
    char *s = data + at;
    line++;
    at = end + 1;
    if (l && s[l - 1] == '\r')
      l--;
    s[l] = '\0';
    if (!l || *s == '#' || strspn(s, " \t") == l)
      continue;
    char *sep = strchr(s, '\t');
    if (!sep)
      sep = strchr(s, ' ');
    char *second = sep ? sep + 1 : NULL;
    if (sep)
      *sep = '\0';
    if (!sep || !*s || !*second || strchr(second, '\t') || memchr(s, '\0', l) != sep) {
      char msg[96];
      snprintf(msg, sizeof msg, "line %zu: expected ORIG<TAB>SPUN", line);
      rc = fail(list, msg);
      break;
    }
    char **nv = realloc(*v, (*n + 2) * sizeof **v);
    if (!nv) {
      rc = fail(NULL, "out of memory");
      break;
    }
    *v = nv;
    (*v)[*n] = strdup(s);
    (*v)[*n + 1] = strdup(second);
    *n += 2;
    if (!(*v)[*n - 2] || !(*v)[*n - 1])
      rc = fail(NULL, "out of memory");
  }
  free(data);
  return rc;
}

/* learn -j N: texts counted by N threads, each into a learner of its own,
 * merged into the first in a fixed order (EM puts the statistics in a
 * canonical order, so the profile is the one of a single thread). */
typedef struct learn_jobs {
  const unspin_engine *engine;
  unspin_spun_learner **l;
  char **files;
  size_t n;
  int *rc;
} learn_jobs;

/* Counts one text into worker w's learner (w > 0 made on first use). */
static int learn_add(void *ctx, size_t w, const char *name, const char *text, size_t len) {
  learn_jobs *j = ctx;
  unspin_error err;
  if (!j->l[w] && unspin_spun_learner_new(&j->l[w], j->engine, &err) != UNSPIN_OK)
    return fail(NULL, err.message);
  if (unspin_spun_learner_add_text(j->l[w], text, len, name, &err) != UNSPIN_OK)
    return fail(NULL, err.message);
  return 0;
}

static void learn_work(void *ctx, size_t i, size_t w) {
  learn_jobs *j = ctx;
  char *data;
  size_t len;
  j->rc[i] = read_input(j->files[i], &data, &len);
  if (!j->rc[i])
    j->rc[i] = learn_add(j, w, j->files[i], data, len);
  free(data); /* NULL when it could not be read */
}

static int learn_done(void *ctx, size_t i) {
  learn_jobs *j = ctx;
  progress("learn", i + 1, j->n);
  return j->rc[i];
}

/* Merges the workers' learners into the first and frees them. */
static int learn_merge(unspin_spun_learner **ls, size_t nt, int rc) {
  unspin_error err;
  for (size_t k = 1; k < nt; k++) {
    if (!rc && ls[k] && unspin_spun_learner_merge(ls[0], ls[k], &err) != UNSPIN_OK)
      rc = fail(NULL, err.message);
    unspin_spun_learner_free(ls[k]);
  }
  return rc;
}

static int learn_texts(const unspin_engine *engine, unspin_spun_learner *l, char **files,
                       size_t nfiles, long njobs, const jsonl_options *jo) {
  size_t nt = (size_t)njobs < nfiles || jo ? (size_t)njobs : nfiles;
  unspin_spun_learner **ls = calloc(nt, sizeof *ls);
  int *rcs = calloc(nfiles, sizeof *rcs);
  learn_jobs j = {.engine = engine, .l = ls, .files = files, .n = nfiles, .rc = rcs};
  int rc = ls && rcs ? 0 : fail(NULL, "out of memory");
  if (!rc && jo) { /* the records of each file in turn */
    ls[0] = l;
    for (size_t i = 0; i < nfiles && !rc; i++) {
      progress("learn", i, nfiles);
      rc = jsonl_each_text(files[i], jo, learn_add, &j);
    }
  } else if (!rc) {
    ls[0] = l;
    rc = par_run(nfiles, nt, learn_work, learn_done, &j);
    progress_end();
  }
  rc = ls ? learn_merge(ls, nt, rc) : rc;
  free(ls);
  free(rcs);
  return rc;
}

static void report_iteration(void *ctx, int iter, double ll) {
  (void)ctx;
  fprintf(stderr, "%s: learn: iteration %d: log-likelihood %.6g\n", prog, iter, ll);
}

/* learn from spun text alone: the general model and word lists as the
 * prior, EM over the texts' (and --stats-in) statistics. */
static int learn_spun(const char *out, const char *stats_out, char **stats_in, size_t nstats,
                      char **files, size_t nfiles, const char **params, size_t nparams,
                      const char **dict_paths, size_t ndict_paths, int use_default,
                      long njobs, const jsonl_options *jo) {
  dict_list dicts = {0};
  const char *def = use_default ? default_dict_path() : NULL;
  unspin_engine *engine = NULL;
  unspin_spun_learner *l = NULL;
  unspin_error err;
  int rc = 0;
  for (size_t i = 0; i < ndict_paths && !rc; i++)
    rc = load_dict(&dicts, dict_paths[i]);
  if (!rc && def)
    rc = load_dict(&dicts, def);
  if (!rc && def)
    rc = load_sibling_model(&dicts, def);
  if (!rc && !dicts.n)
    rc = fail(NULL, "learning from spun text needs a dictionary (-d DICT or the default)");
  if (!rc && unspin_engine_new(&engine, NULL, &err) != UNSPIN_OK)
    rc = fail(NULL, err.message);
  for (size_t i = 0; i < dicts.n && !rc; i++)
    if (unspin_engine_add_dict(engine, dicts.v[i], UNSPIN_ROLE_GENERAL) != UNSPIN_OK)
      rc = fail(NULL, "too many dictionaries");
  const char *hunspell = UNSPIN_HUNSPELL_DICT, *wordnet = UNSPIN_WORDNET_DIR;
  if (!rc && *hunspell)
    rc = load_hunspell(engine, hunspell);
  if (!rc && *wordnet)
    rc = load_exceptions(engine, wordnet);
  for (size_t i = 0; i < nparams && !rc; i++)
    rc = set_param(engine, params[i]);
  if (!rc && unspin_spun_learner_new(&l, engine, &err) != UNSPIN_OK)
    rc = fail(NULL, err.message);
  for (size_t i = 0; i < nstats && !rc; i++) {
    char *data;
    size_t len;
    if ((rc = read_input(stats_in[i], &data, &len)))
      break;
    if (unspin_spun_learner_add_stats(l, data, len, stats_in[i], &err) != UNSPIN_OK)
      rc = fail(NULL, err.message);
    free(data);
  }
  if (!rc && nfiles)
    rc = learn_texts(engine, l, files, nfiles, njobs, jo);
  if (nfiles) {
    progress("learn", nfiles, nfiles);
    progress_end();
  }
  if (!rc && stats_out && unspin_spun_learner_write_stats(l, stats_out, &err) != UNSPIN_OK)
    rc = fail(NULL, err.message);
  if (!rc && out && unspin_spun_learner_run(l, 100, report_iteration, NULL, &err) != UNSPIN_OK)
    rc = fail(NULL, err.message);
  if (!rc && out && unspin_spun_learner_write(l, out, &err) != UNSPIN_OK)
    rc = fail(NULL, err.message);
  unspin_spun_learner_free(l);
  unspin_engine_free(engine);
  free_dicts(&dicts);
  return rc;
}

static int cmd_learn(int argc, char **argv) {
  static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                           {"pairs", no_argument, NULL, 'p'},
                                           {"pairs-from", required_argument, NULL, 'l'},
                                           {"merge", no_argument, NULL, 'm'},
                                           {"stats-out", required_argument, NULL, 'S'},
                                           {"stats-in", required_argument, NULL, 'I'},
                                           {"param", required_argument, NULL, 'P'},
                                           {"dict", required_argument, NULL, 'd'},
                                           {"no-default-dict", no_argument, NULL, 'n'},
                                           {"jobs", required_argument, NULL, 'j'},
                                           {"jsonl", no_argument, NULL, 'L'},
                                           {"text-field", required_argument, NULL, 'T'},
                                           {"strict", no_argument, NULL, 's'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {NULL, 0, NULL, 0}};
  long njobs = 1;
  const char *dict_paths[UNSPIN_MAX_DICTS];
  size_t ndict_paths = 0;
  int use_default = 1;
  const char *out = NULL, *stats_out = NULL, *params[32];
  int pairs = 0, merge = 0, c, rc = 0, jsonl = 0;
  char **files = NULL, **stats_in = NULL;
  size_t nfiles = 0, nstats = 0, nparams = 0;
  jsonl_options jo = {.text_field = "text", .max_record = (size_t)64 << 20};
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:d:j:q", longopts, NULL)) != -1) {
    if (c == 'o')
      out = optarg;
    else if (c == 'L')
      jsonl = 1;
    else if (c == 'T')
      jo.text_field = optarg;
    else if (c == 's')
      jo.strict = 1;
    else if (c == 'q')
      jo.quiet = 1;
    else if (c == 'j') {
      if (parse_count(optarg, 1, 256, &njobs)) {
        rc = fail(optarg, "-j takes a number of threads from 1 to 256");
        goto done;
      }
    }
    else if (c == 'p')
      pairs = 1;
    else if (c == 'm')
      merge = 1;
    else if (c == 'S')
      stats_out = optarg;
    else if (c == 'I') {
      char **v = realloc(stats_in, (nstats + 1) * sizeof *v);
      if (!v) {
        rc = fail(NULL, "out of memory");
        goto done;
      }
      stats_in = v;
      stats_in[nstats++] = optarg;
    } else if (c == 'P' || c == 'd') {
      int param = c == 'P';
      if (param ? nparams == sizeof params / sizeof *params : ndict_paths == UNSPIN_MAX_DICTS) {
        rc = fail(NULL, param ? "at most 32 --param options" : "too many -d options");
        goto done;
      }
      if (param)
        params[nparams++] = optarg;
      else
        dict_paths[ndict_paths++] = optarg;
    } else if (c == 'n')
      use_default = 0;
    else if (c == 'l') {
      pairs = 1;
      if ((rc = read_pair_list(optarg, &files, &nfiles)))
        goto done;
    } else {
      rc = EXIT_ERROR;
      goto done;
    }
  }
  int spun = !pairs && !merge;
  if (!out && !(spun && stats_out)) {
    rc = fail(NULL, spun ? "learn needs -o PROFILE or --stats-out STATS" : "learn needs -o PROFILE");
    goto done;
  }
  if (pairs && merge) {
    rc = fail(NULL, "learn takes --pairs or --merge, not both");
    goto done;
  }
  if (!spun && (stats_out || nstats || nparams || ndict_paths || !use_default || njobs > 1 ||
                jsonl)) {
    rc = fail(NULL, "--stats-out, --stats-in, --param, -d, -j and --jsonl are for learning from "
                    "spun text");
    goto done;
  }
  for (int i = optind; i < argc; i++) {
    char **nv = realloc(files, (nfiles + 1) * sizeof *files);
    if (!nv || !(nv[nfiles] = strdup(argv[i]))) {
      files = nv ? nv : files;
      rc = fail(NULL, "out of memory");
      goto done;
    }
    files = nv;
    nfiles++;
  }
  jo.njobs = njobs;
  if (jsonl && !nfiles) { /* the records on standard input */
    if (!(files = malloc(sizeof *files)) || !(files[0] = strdup("-"))) {
      rc = fail(NULL, "out of memory");
      goto done;
    }
    nfiles = 1;
  }
  if (spun) {
    if (!nfiles && !nstats)
      rc = fail(NULL, "learn needs spun files or --stats-in STATS");
    else
      rc = learn_spun(out, stats_out, stats_in, nstats, files, nfiles, params, nparams,
                      dict_paths, ndict_paths, use_default, njobs, jsonl ? &jo : NULL);
    goto done;
  }
  if (!nfiles || (pairs && nfiles % 2)) {
    rc = fail(NULL, pairs ? "learn --pairs needs ORIG SPUN pairs of files"
                          : "learn --merge needs at least one profile");
    goto done;
  }
  unspin_learner *l;
  unspin_error err;
  if (unspin_learner_new(&l, &err) != UNSPIN_OK) {
    rc = fail(NULL, err.message);
    goto done;
  }
  size_t steps = pairs ? nfiles / 2 : nfiles;
  for (size_t i = 0; i < steps && !rc; i++) {
    progress("learn", i, steps);
    if (pairs) {
      char *o, *sp;
      size_t ol, sl;
      if ((rc = read_input(files[2 * i], &o, &ol)))
        break;
      if ((rc = read_input(files[2 * i + 1], &sp, &sl))) {
        free(o);
        break;
      }
      if (unspin_learner_add_pair(l, o, ol, files[2 * i], sp, sl, files[2 * i + 1], &err) !=
          UNSPIN_OK)
        rc = fail(NULL, err.message);
      free(o);
      free(sp);
    } else {
      unspin_profile *p;
      if ((rc = load_profile(files[i], &p)))
        break;
      if (unspin_learner_add_profile(l, p, files[i], &err) != UNSPIN_OK)
        rc = fail(NULL, err.message);
      unspin_profile_free(p);
    }
  }
  progress("learn", steps, steps);
  progress_end();
  if (!rc && unspin_learner_write(l, out, &err) != UNSPIN_OK)
    rc = fail(NULL, err.message);
  if (!rc && pairs && unspin_learner_skipped(l))
    fprintf(stderr, "%s: learn: %zu differing blocks of more than 4 words a side left out\n", prog,
            unspin_learner_skipped(l));
  unspin_learner_free(l);
done:
  free(stats_in);
  for (size_t i = 0; i < nfiles; i++)
    free(files[i]);
  free(files);
  return rc;
}

/* unspin check DICT...: each file read whole and verified. */
static int cmd_check(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    fputs(usage_text, argc < 2 ? stderr : stdout);
    return argc < 2 ? EXIT_ERROR : 0;
  }
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    unspin_dict *d;
    unspin_error err;
    if (unspin_dict_open(&d, argv[i], UNSPIN_DICT_VERIFY, &err) != UNSPIN_OK) {
      rc = fail(NULL, err.message);
      continue;
    }
    printf("%s: ok (id %016llx, order %d, %llu words)\n", argv[i],
           (unsigned long long)unspin_dict_id(d), unspin_dict_order(d),
           (unsigned long long)unspin_dict_ngram_types(d, 1));
    unspin_dict_free(d);
  }
  return rc;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "build"))
    return cmd_build(argc - 1, argv + 1, 0);
  if (argc > 1 && !strcmp(argv[1], "merge"))
    return cmd_build(argc - 1, argv + 1, 1);
  if (argc > 1 && !strcmp(argv[1], "lookup"))
    return cmd_lookup(argc - 1, argv + 1);
  if (argc > 1 && !strcmp(argv[1], "check"))
    return cmd_check(argc - 1, argv + 1);
  if (argc > 1 && !strcmp(argv[1], "learn"))
    return cmd_learn(argc - 1, argv + 1);
  return cmd_restore(argc, argv);
}
