/* SPDX-License-Identifier: Apache-2.0 */
/* The words a plan is read by, in English, French, German and Spanish.
 * Every comparison runs on folded text (pl_plan_fold), so the tables hold
 * lower-case words without accents or punctuation: "Critères d'acceptation"
 * is matched by "criteres d acceptation". */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <utf8proc.h>

#include "plan/pl_plan_int.h"

unsigned pl_plan_utf8(const char *s, apr_size_t *len)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, 4, &cp);

    if (n < 1) {
        *len = 1;
        return 0xFFFD;
    }
    *len = (apr_size_t)n;
    return (unsigned)cp;
}

static int keeps(utf8proc_int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

/* The fold into buf when it fits in cap bytes; otherwise into memory from
 * p, or NULL when p is NULL. */
static char *fold_into(apr_pool_t *p, const char *s, apr_size_t len, char sep, char *buf,
                       apr_size_t cap)
{
    utf8proc_uint8_t *mapped = NULL;
    const utf8proc_uint8_t *in = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t n = (utf8proc_ssize_t)len, i = 0, step;
    char *out = buf;
    apr_size_t o = 0;
    int gap = 0;

    for (i = 0; i < n && in[i] < 0x80; i++)
        ;
    if (i < n) {
        /* Compatibility decomposition, case folding and accents stripped:
         * "Critères" -> "criteres", "ß" -> "ss", "ﬁ" -> "fi". */
        n = utf8proc_map(in, n, &mapped, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT
                                         | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK
                                         | UTF8PROC_IGNORE);
        if (n < 0)
            n = 0;      /* not UTF-8: nothing to compare */
        in = mapped;
    }
    if ((apr_size_t)n + 1 > cap) {
        if (!p) {
            free(mapped);
            return NULL;
        }
        out = apr_palloc(p, (apr_size_t)n + 1);
    }
    for (i = 0; i < n; i += step) {
        utf8proc_int32_t cp = in[i];
        step = 1;
        if (cp >= 0x80 && (step = utf8proc_iterate(in + i, n - i, &cp)) < 1) {
            step = 1;
            cp = -1;
        }
        if (cp < 0 || !keeps(cp)) {
            gap = 1;
            continue;
        }
        if (gap && o > 0)
            out[o++] = sep;
        gap = 0;
        if (cp >= 'A' && cp <= 'Z')
            out[o++] = (char)(cp + 32);
        else {
            memcpy(out + o, in + i, (apr_size_t)step);
            o += (apr_size_t)step;
        }
    }
    out[o] = '\0';
    free(mapped);
    return out;
}

char *pl_plan_fold(apr_pool_t *p, const char *s, apr_size_t len, char sep)
{
    return fold_into(p, s, len, sep, NULL, 0);
}

char *pl_plan_anchor(apr_pool_t *p, const char *s)
{
    apr_size_t len = strlen(s), o = 0;
    char *out = apr_palloc(p, 4 * len + 1);
    utf8proc_ssize_t i, step;

    for (i = 0; i < (utf8proc_ssize_t)len; i += step) {
        utf8proc_int32_t cp;
        if ((step = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)len - i,
                                     &cp)) < 1) {
            step = 1;
            continue;
        }
        if (cp == ' ')
            out[o++] = '-';
        else if (cp == '-' || cp == '_' || keeps(cp)
                 || utf8proc_category(cp) == UTF8PROC_CATEGORY_MN
                 || utf8proc_category(cp) == UTF8PROC_CATEGORY_MC
                 || utf8proc_category(cp) == UTF8PROC_CATEGORY_ME)
            o += (apr_size_t)utf8proc_encode_char(utf8proc_tolower(cp),
                                                  (utf8proc_uint8_t *)out + o);
    }
    out[o] = '\0';
    return out;
}

/* Every word or phrase of the tables is short, so a long text is none of
 * them: texts of up to WORD_MAX bytes are folded on the caller's stack,
 * longer ones not at all (NULL). */
#define WORD_MAX 160

static char *fold_word(const char *s, char *buf)
{
    apr_size_t len = strlen(s);

    return len < WORD_MAX ? fold_into(NULL, s, len, ' ', buf, WORD_MAX) : NULL;
}

static int in_list(const char *folded, const char *const *list)
{
    if (!folded)
        return 0;
    for (; *list; list++)
        if (strcmp(folded, *list) == 0)
            return 1;
    return 0;
}

static const char *const tasks_words[] = {
    "tasks", "task", "todo", "to do", "todos", "to dos", "checklist", "check list", "steps",
    "work items", "action items", "subtasks", "sub tasks", "implementation tasks",
    "taches", "tache", "a faire", "liste des taches", "aufgaben", "aufgabe", "todo liste",
    "schritte", "arbeitspakete", "tareas", "tarea", "pasos", "pendientes", "lista de tareas", NULL
};
static const char *const criteria_words[] = {
    "acceptance criteria", "acceptance criterion", "acceptance", "done when", "definition of done",
    "dod", "success criteria", "exit criteria", "criteria", "acceptance tests",
    "criteres d acceptation", "critere d acceptation", "criteres de succes", "criteres",
    "criteres de validation", "termine quand", "akzeptanzkriterien", "abnahmekriterien",
    "fertig wenn", "erledigt wenn", "kriterien", "criterios de aceptacion",
    "criterio de aceptacion", "criterios", "terminado cuando", "hecho cuando", "listo cuando", NULL
};
static const char *const depends_words[] = {
    "dependencies", "dependency", "depends on", "depends", "depends upon", "requires",
    "prerequisites", "prereqs", "blocked by", "needs", "dependances", "dependance", "depend de",
    "prerequis", "abhangigkeiten", "abhangig von", "voraussetzungen", "benotigt", "dependencias",
    "dependencia", "depende de", "requisitos previos", "requiere", NULL
};
static const char *const description_words[] = {
    "description", "overview", "summary", "context", "background", "notes", "note", "details",
    "rationale", "goal", "motivation", "scope", "why", "problem", "approach", "design",
    "beschreibung", "uberblick", "hintergrund", "notizen", "anmerkungen", "kontext", "ziel",
    "zusammenfassung", "contexte", "resume", "remarques", "objectif", "apercu", "descripcion",
    "contexto", "resumen", "notas", "objetivo", "motivacion", "alcance", "portee", NULL
};

pl_plan_section_e pl_plan_section_word(apr_pool_t *p, const char *text)
{
    char buf[WORD_MAX];
    const char *f = fold_word(text, buf);

    if (in_list(f, tasks_words))
        return PL_SEC_TASKS;
    if (in_list(f, criteria_words))
        return PL_SEC_CRITERIA;
    if (in_list(f, depends_words))
        return PL_SEC_DEPENDS;
    if (in_list(f, description_words))
        return PL_SEC_DESCRIPTION;
    return PL_SEC_NONE;
}

int pl_plan_informational(apr_pool_t *p, const char *text)
{
    static const char *const words[] = {
        "overview", "introduction", "intro", "background", "context", "summary",
        "executive summary", "vision", "mission", "scope", "out of scope", "non goals", "nongoals",
        "glossary", "references", "appendix", "notes", "changelog", "change log", "history",
        "table of contents", "contents", "toc", "legend", "timeline", "schedule", "risks",
        "open questions", "questions", "faq", "team", "license", "about", "status", "progress",
        "conventions", "how to use this plan", "how to read this plan", "sources", "links",
        "resources", "assumptions", "constraints", "apercu", "vue d ensemble", "contexte",
        "resume", "glossaire", "annexe", "annexes", "remarques", "hors perimetre", "sommaire",
        "table des matieres", "legende", "risques", "calendrier", "equipe", "uberblick",
        "einleitung", "einfuhrung", "hintergrund", "zusammenfassung", "glossar", "anhang",
        "notizen", "inhalt", "inhaltsverzeichnis", "risiken", "zeitplan", "nicht ziele",
        "resumen", "introduccion", "contexto", "glosario", "apendice", "notas", "vision general",
        "indice", "leyenda", "riesgos", "cronograma", "fuera de alcance", "equipo", NULL
    };
    char buf[WORD_MAX];

    return in_list(fold_word(text, buf), words);
}

static const char *const level_words[3][40] = {
    { "primary", "main", "core", "key", "major", "must", "critical", "p0", "p1", "high",
      "highest", "top", "principaux", "principales", "principal", "principale", "primaires",
      "primaire", "prioritaires", "essentiels", "hauptziele", "haupt", "primare", "wichtigste",
      "primarios", "primarias", "alta", "haute", "hoch", "hohe", "kritisch", "critique", NULL },
    { "secondary", "should", "p2", "medium", "normal", "secondaires", "secondaire", "nebenziele",
      "sekundare", "secundarios", "secundarias", "media", "moyenne", "mittlere", "mittel", NULL },
    { "tertiary", "could", "nice", "stretch", "p3", "p4", "p5", "low", "lowest", "optional",
      "tertiaires", "tertiaire", "optionnels", "facultatifs", "basse", "tertiare", "niedrige",
      "niedrig", "optionale", "terciarios", "terciarias", "opcionales", "baja", "deseables", NULL }
};
/* Level words that make a heading a container on their own ("## P2"). */
static const char *const strong_words[] = {
    "primary", "secondary", "tertiary", "p0", "p1", "p2", "p3", "p4", "must", "should", "could",
    "nice", "stretch", "hauptziele", "nebenziele", NULL
};
static const char *const container_nouns[] = {
    "objectives", "objective", "goals", "milestones", "roadmap", "phases", "epics", "features",
    "deliverables", "workstreams", "initiatives", "themes", "priorities", "plan", "objectifs",
    "buts", "jalons", "livrables", "fonctionnalites", "etapes", "ziele", "meilensteine", "phasen",
    "funktionen", "objetivos", "metas", "hitos", "fases", "entregables", "funcionalidades",
    "stories", "user stories", "releases", "quarters", "sprints", "versions", NULL
};
static const char *const priority_keys[] = {
    "priority", "prio", "priorite", "prioritat", "prioritaet", "prioridad", "level", "niveau",
    "nivel", "ebene", "tier", NULL
};
static const char *const fillers[] = {
    "to", "have", "de", "des", "la", "le", "les", "du", "d", "and", "et", "und", "y", "of", "the",
    "a", "work", "items", NULL
};

static int level_of_word(const char *w)
{
    int l;

    for (l = 0; l < 3; l++)
        if (in_list(w, level_words[l]))
            return l + 1;
    return 0;
}

static int level_of_number(const char *w)
{
    if (w[0] >= '0' && w[0] <= '9' && !w[1])
        return w[0] <= '1' ? 1 : w[0] == '2' ? 2 : 3;
    return 0;
}

int pl_plan_container(apr_pool_t *p, const char *text, int *level)
{
    char buf[WORD_MAX], *f = fold_word(text, buf), *word, *last;
    int noun = 0, strong = 0, keyed = 0, filler = 0, number = 0;

    static const char *const wont[] = { "won t have", "wont have", "will not have", "won t",
                                        "out of this release", NULL };
    const char *const *w;

    *level = 0;
    if (!f)
        return 0;
    if (in_list(f, container_nouns))
        return 1;
    for (w = wont; *w; w++)
        if (strncmp(f, *w, strlen(*w)) == 0) {
            *level = 3;     /* MoSCoW "Won't have (this time)": the least of all */
            return 1;
        }
    for (word = apr_strtok(f, " ", &last); word; word = apr_strtok(NULL, " ", &last)) {
        int l = level_of_word(word);
        if (in_list(word, container_nouns))
            noun = 1;
        else if (l) {
            if (!*level)
                *level = l;
            strong |= in_list(word, strong_words);
        }
        else if (in_list(word, priority_keys))
            keyed = 1;
        else if (in_list(word, fillers))
            filler = 1;
        else if ((l = level_of_number(word)))
            number = l;
        else
            return 0;
    }
    if (!*level && keyed)
        *level = number;
    return noun || strong || (*level && (keyed || filler));
}

static const char *const key_id[] = {
    "id", "identifier", "identifiant", "kennung", "identificador", "ref", "reference", NULL
};
static const char *const key_status[] = {
    "status", "state", "statut", "etat", "estado", "zustand", "stand", NULL
};
static const char *const key_progress[] = {
    "progress", "completion", "complete", "percent complete", "percent done", "done",
    "fortschritt", "fertigstellung", "avancement", "progression", "progreso", "avance", NULL
};

pl_plan_key_e pl_plan_key(apr_pool_t *p, const char *line, const char **value)
{
    const char *colon = strchr(line, ':'), *wide = strstr(line, "\xEF\xBC\x9A");  /* U+FF1A */
    apr_size_t skip = 1;
    char buf[WORD_MAX];
    const char *f;

    if (wide && (!colon || wide < colon)) {
        colon = wide;
        skip = 3;
    }
    if (!colon || colon == line || colon - line > 48)
        return PL_KEY_NONE;
    f = fold_into(NULL, line, colon - line, ' ', buf, sizeof(buf));
    *value = colon + skip;
    while (**value == ' ' || **value == '\t')
        (*value)++;
    if (in_list(f, key_id))
        return PL_KEY_ID;
    if (in_list(f, key_status))
        return PL_KEY_STATUS;
    if (in_list(f, key_progress))
        return PL_KEY_PROGRESS;
    if (pl_plan_container_kind(f))
        return PL_KEY_PHASE;
    if (in_list(f, priority_keys) && strcmp(f, "level") && strcmp(f, "niveau")
        && strcmp(f, "nivel") && strcmp(f, "ebene") && strcmp(f, "tier"))
        return PL_KEY_PRIORITY;
    if (in_list(f, priority_keys))
        return PL_KEY_LEVEL;
    if (in_list(f, depends_words))
        return PL_KEY_DEPENDS;
    if (in_list(f, criteria_words))
        return PL_KEY_CRITERIA;
    if (in_list(f, tasks_words))
        return PL_KEY_TASKS;
    return PL_KEY_NONE;
}

static const struct { unsigned cp; const char *status; } emoji[] = {
    { 0x2705, "done" }, { 0x2714, "done" }, { 0x2713, "done" }, { 0x2611, "done" },
    { 0x1F7E2, "done" }, { 0x1F7E1, "in_progress" }, { 0x1F6A7, "in_progress" },
    { 0x23F3, "in_progress" }, { 0x231B, "in_progress" }, { 0x1F504, "in_progress" },
    { 0x1F7E0, "in_progress" }, { 0x26AA, "todo" }, { 0x2B1C, "todo" }, { 0x2610, "todo" },
    { 0x1F532, "todo" }, { 0x2B55, "todo" }, { 0x1F534, "todo" }, { 0x274C, "blocked" },
    { 0x26D4, "blocked" }, { 0x1F6AB, "blocked" }, { 0x1F6D1, "blocked" },
};

static const char *emoji_status(unsigned cp)
{
    apr_size_t i;

    for (i = 0; i < sizeof(emoji) / sizeof(emoji[0]); i++)
        if (emoji[i].cp == cp)
            return emoji[i].status;
    return NULL;
}

const char *pl_plan_mark(const char *s, apr_size_t *len)
{
    apr_size_t n, m;
    unsigned cp;
    const char *status;

    if (s[0] == '[' && s[1] && s[2] == ']') {
        *len = 3;
        switch (s[1]) {
        case ' ': return "todo";
        case 'x': case 'X': return "done";
        case '~': case '/': return "in_progress";
        default: return NULL;
        }
    }
    if (s[0] == '[') {     /* [✓] */
        cp = pl_plan_utf8(s + 1, &n);
        if (s[1 + n] == ']' && (status = emoji_status(cp))) {
            *len = n + 2;
            return status;
        }
        return NULL;
    }
    if (!(status = emoji_status(pl_plan_utf8(s, &n))))
        return NULL;
    cp = pl_plan_utf8(s + n, &m);
    if (cp == 0xFE0F || cp == 0xFE0E)
        n += m;
    *len = n;
    return status;
}

const char *pl_plan_status_word(apr_pool_t *p, const char *text)
{
    static const char *const done[] = {
        "done", "complete", "completed", "finished", "shipped", "implemented", "closed",
        "resolved", "delivered", "merged", "landed", "released", "live", "fixed",
        "erledigt", "fertig", "abgeschlossen", "umgesetzt", "geliefert", "termine",
        "terminee", "fait", "fini", "acheve", "livre", "hecho", "hecha", "completado",
        "completada", "terminado", "terminada", "listo", "cumplido", "finalizado", NULL
    };
    static const char *const progress[] = {
        "in progress", "inprogress", "wip", "ongoing", "started", "doing", "active", "partial",
        "partially done", "underway", "under way", "in review", "under review", "review",
        "in testing", "in qa", "in development", "work in progress", "en cours", "en revue",
        "partiel", "in arbeit", "in bearbeitung", "in prufung", "laufend", "begonnen",
        "teilweise", "en progreso", "en curso", "en proceso", "en revision", "iniciado",
        "parcial", NULL
    };
    static const char *const todo[] = {
        "todo", "to do", "not started", "planned", "pending", "open", "backlog", "new", "next",
        "not done", "missing", "a faire", "non commence", "pas commence", "prevu", "offen",
        "geplant", "ausstehend", "nicht begonnen", "pendiente", "por hacer", "planificado",
        "no iniciado", "sin empezar", "no empezado", NULL
    };
    static const char *const blocked[] = {
        "blocked", "on hold", "stalled", "stuck", "waiting", "bloque", "bloquee", "en attente",
        "blockiert", "wartend", "zuruckgestellt", "bloqueado", "bloqueada", "en espera", NULL
    };
    char buf[WORD_MAX];
    const char *f, *mark;
    apr_size_t n;

    while (*text == ' ')
        text++;
    if ((mark = pl_plan_mark(text, &n)))
        return mark;
    f = fold_word(text, buf);
    return in_list(f, done) ? "done" : in_list(f, progress) ? "in_progress"
         : in_list(f, todo) ? "todo" : in_list(f, blocked) ? "blocked" : NULL;
}

int pl_plan_priority_level(apr_pool_t *p, const char *text)
{
    static const char *const multi[3][6] = {
        { "must have", NULL },
        { "should have", NULL },
        { "could have", "nice to have", NULL },
    };
    char buf[WORD_MAX], *f = fold_word(text, buf), *rest = f, *space;
    int l;

    if (!f)
        return 0;
    space = strchr(f, ' ');
    if (space) {
        *space = '\0';
        if (in_list(f, priority_keys)) {
            rest = space + 1;
            if ((l = level_of_number(rest)))
                return l;
        }
        else
            *space = ' ';
    }
    for (l = 0; l < 3; l++)
        if (in_list(rest, multi[l]))
            return l + 1;
    if (strchr(rest, ' '))
        return 0;
    return (l = level_of_word(rest)) && strcmp(rest, "key") && strcmp(rest, "top")
           && strcmp(rest, "core") && strcmp(rest, "main") ? l : 0;
}

apr_size_t pl_plan_id_token(const char *s)
{
    apr_size_t n = 0, digits = 0;

    if (!(s[0] >= 'A' && s[0] <= 'Z'))
        return 0;
    while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
        n++;
    if (s[n] != '-' || n > 24)
        return 0;
    n++;
    while (s[n + digits] >= '0' && s[n + digits] <= '9')
        digits++;
    n += digits;
    if (!digits || digits > 8 || (s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z')
        || s[n] == '_' || (s[n] == '-' && ((s[n + 1] >= 'A' && s[n + 1] <= 'Z')
                                           || (s[n + 1] >= '0' && s[n + 1] <= '9'))))
        return 0;
    return n;
}

int pl_plan_cell_done(apr_pool_t *p, const char *cell)
{
    static const char *const yes[] = {
        "x", "y", "yes", "true", "1", "100", "ja", "oui", "si", NULL
    };
    const char *status = pl_plan_status_word(p, cell);
    char buf[WORD_MAX];

    return status ? strcmp(status, "done") == 0 : in_list(fold_word(cell, buf), yes);
}

pl_plan_column_e pl_plan_column(apr_pool_t *p, const char *header)
{
    static const char *const task[] = {
        "task", "tasks", "name", "title", "item", "items", "description", "what", "deliverable",
        "work item", "step", "todo", "feature", "features", "objective", "goal", "story",
        "user story", "capability", "tache", "taches", "nom", "titre", "intitule", "objectif",
        "fonctionnalite", "aufgabe", "aufgaben", "titel", "bezeichnung", "beschreibung", "ziel",
        "funktion", "tarea", "tareas", "nombre", "titulo", "descripcion", "objetivo",
        "funcionalidad", NULL
    };
    static const char *const status[] = {
        "status", "state", "done", "complete", "completed", "check", "statut", "etat",
        "fait", "termine", "erledigt", "stand", "zustand", "estado", "hecho", "completado", NULL
    };
    static const char *const percent[] = {
        "progress", "percent", "percent complete", "percent done", "completion", "fortschritt",
        "avancement", "progression", "progreso", "avance", NULL
    };
    static const char *const id[] = {
        "id", "key", "ref", "identifier", "issue", "ticket", "kennung", "identifiant", NULL
    };
    static const char *const priority[] = {
        "priority", "prio", "moscow", "level", "priorite", "prioritat", "prioridad", "niveau",
        "nivel", NULL
    };
    static const char *const depends[] = {
        "depends on", "dependencies", "depends", "requires", "blocked by", "abhangig von",
        "depend de", "dependances", "depende de", "dependencias", NULL
    };
    char buf[WORD_MAX];
    const char *f = fold_word(header, buf);
    apr_size_t n;

    if (in_list(f, task))
        return PL_COL_TASK;
    if (in_list(f, status) || (f && !*f && pl_plan_mark(header, &n)))
        return PL_COL_STATUS;
    if (in_list(f, percent) || (f && !*f && strchr(header, '%')))
        return PL_COL_PERCENT;
    if (in_list(f, id) || (f && !*f && strchr(header, '#')))
        return PL_COL_ID;
    if (in_list(f, priority))
        return PL_COL_PRIORITY;
    if (in_list(f, depends))
        return PL_COL_DEPENDS;
    if (f && pl_plan_container_kind(f))
        return PL_COL_PHASE;
    return PL_COL_OTHER;
}

const char *pl_plan_container_kind(const char *folded)
{
    static const struct { const char *word, *kind; } kinds[] = {
        { "phase", "phase" }, { "stage", "phase" }, { "fase", "phase" }, { "etape", "phase" },
        { "etapa", "phase" }, { "etappe", "phase" }, { "stufe", "phase" },
        { "milestone", "milestone" }, { "ms", "milestone" }, { "meilenstein", "milestone" },
        { "jalon", "milestone" }, { "hito", "milestone" },
        { "epic", "epic" }, { "epique", "epic" }, { "epica", "epic" }, { "epos", "epic" },
        { "release", "release" }, { "version", "release" }, { "rel", "release" },
        { "quarter", "quarter" }, { "quartal", "quarter" }, { "trimestre", "quarter" },
        { "sprint", "sprint" }, { "iteration", "sprint" }, { "iteracion", "sprint" },
        { "week", "sprint" }, { "woche", "sprint" }, { "semaine", "sprint" },
        { "semana", "sprint" }, { "increment", "sprint" },
        { "group", "group" }, { "gruppe", "group" }, { "groupe", "group" }, { "grupo", "group" },
        { "track", "group" }, { "workstream", "group" }, { "area", "group" },
        { "pillar", "group" }, { "wave", "group" }, { "welle", "group" }, { "vague", "group" },
        { "ola", "group" }, { "lot", "group" },
    };
    apr_size_t i;

    if (!folded)
        return NULL;
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strcmp(folded, kinds[i].word) == 0)
            return kinds[i].kind;
    return NULL;
}

const char *pl_plan_bucket(apr_pool_t *p, const char *text)
{
    static const char *const done[] = {
        "done", "shipped", "released", "completed", "complete", "finished", "delivered",
        "launched", "live", "recently shipped", "recently completed", "recently done", "merged",
        "erledigt", "fertig", "abgeschlossen", "ausgeliefert", "termine", "fait", "livre",
        "hecho", "terminado", "completado", "entregado", "publicado", NULL
    };
    static const char *const progress[] = {
        "now", "in progress", "doing", "current", "currently", "working on", "in development",
        "wip", "in review", "active", "this quarter", "this release", "jetzt", "aktuell",
        "in arbeit", "maintenant", "en cours", "ahora", "en curso", "en progreso", NULL
    };
    static const char *const todo[] = {
        "next", "later", "backlog", "future", "icebox", "someday", "planned", "up next",
        "coming soon", "coming next", "under consideration", "exploring", "ideas", "to do",
        "todo", "not started", "soon", "next up", "as nachstes", "nachste", "als nachstes",
        "spater", "geplant", "zukunft", "ensuite", "plus tard", "prevu", "a venir", "a faire",
        "despues", "mas tarde", "pendiente", "siguiente", "proximamente", "futuro", NULL
    };
    static const char *const blocked[] = {
        "blocked", "on hold", "blockiert", "bloque", "en attente", "bloqueado", NULL
    };
    char buf[WORD_MAX];
    const char *f = fold_word(text, buf);

    return in_list(f, done) ? "done" : in_list(f, progress) ? "in_progress"
         : in_list(f, todo) ? "todo" : in_list(f, blocked) ? "blocked" : NULL;
}

int pl_plan_percent(const char *s, apr_size_t len)
{
    apr_size_t i = 0;
    int v = 0, digits = 0;

    while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 4) {
        v = v * 10 + (s[i++] - '0');
        digits++;
    }
    if (!digits || digits > 3 || v > 100)
        return -1;
    if (i < len && (s[i] == '.' || s[i] == ','))
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            ;
    while (i < len && s[i] == ' ')
        i++;
    return i + 1 == len && s[i] == '%' ? v : -1;
}

const char *pl_plan_percent_status(int percent)
{
    return percent < 0 ? NULL : percent >= 100 ? "done" : percent == 0 ? "todo" : "in_progress";
}

pl_plan_claim_e pl_plan_claim_of(const char *status, int percent)
{
    if (status)
        return strcmp(status, "done") == 0 ? PL_CLAIM_DONE : PL_CLAIM_NOT_DONE;
    if (percent >= 0)
        return percent >= 100 ? PL_CLAIM_DONE : PL_CLAIM_NOT_DONE;
    return PL_CLAIM_NONE;
}
