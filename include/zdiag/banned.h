/* Functions zdiag must not use (after git's banned.h): unbounded or racy. */
#ifndef ZDIAG_BANNED_H
#define ZDIAG_BANNED_H

#define ZD_BANNED(func) sorry_##func##_is_banned_in_zdiag

#undef strcpy
#define strcpy(x, y) ZD_BANNED(strcpy)
#undef strcat
#define strcat(x, y) ZD_BANNED(strcat)
#undef sprintf
#define sprintf(...) ZD_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) ZD_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) ZD_BANNED(strtok)
#undef gets
#define gets(x) ZD_BANNED(gets)

#endif
