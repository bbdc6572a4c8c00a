# bash completion for wirefeed(1)                           -*- shell-script -*-
# Commands, their options (tests/test_package.c checks that this list holds
# every option `wirefeed CMD --help` prints), directories and files for
# options that take them, section slugs from the newswire's wirefeed.conf,
# and story ids (from `wirefeed list`) for the commands that take one.

_wirefeed_root()
{
    local i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        if [[ ${COMP_WORDS[i]} == --root ]]; then
            printf '%s\n' "${COMP_WORDS[i + 1]}"
            return
        fi
    done
    printf 'feeds\n'
}

_wirefeed()
{
    local cur prev words cword
    _init_completion -n : || return

    local commands='build serve validate import new update correct withdraw show list'
    if ((cword == 1)); then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi

    local cmd=${words[1]} opts=
    case $cmd in
        build) opts='--root --out --keep-going --full --journal --notify --at --quiet --help' ;;
        serve) opts='--root --out --listen --threads --max-connections --max-per-client --timeout --header-timeout --access-log --scan-interval --grace --quiet --help' ;;
        validate) opts='--format --strict --no-schema --previous --records --help' ;;
        import) opts='--root --section --id --embargo --expires --help' ;;
        new) opts='--title --author --section --summary --content-file --link --source --dateline --at --embargo --expires --root --help' ;;
        update) opts='--minor --title --summary --content-file --link --source --dateline --section --author --at --embargo --expires --root --help' ;;
        correct) opts='--at --root --help' ;;
        withdraw) opts='--reason --at --root --help' ;;
        show) opts='--root --help' ;;
        list) opts='--section --root --help' ;;
        *) return ;;
    esac

    case $prev in
        --root | --out | --records)
            _filedir -d
            return
            ;;
        --content-file | --access-log | --previous)
            _filedir
            return
            ;;
        --format)
            COMPREPLY=($(compgen -W 'text junit sarif' -- "$cur"))
            return
            ;;
        --section)
            local conf
            conf="$(_wirefeed_root)/wirefeed.conf"
            [[ -r $conf ]] && COMPREPLY=($(compgen -W "$(sed -n 's/^[[:space:]]*section[[:space:]]*=[[:space:]]*\([a-z0-9-]*\).*/\1/p' "$conf")" -- "$cur"))
            return
            ;;
        --listen | --threads | --max-connections | --max-per-client | --timeout | --header-timeout | \
            --scan-interval | --grace | --title | --author | --summary | --link | \
            --source | --dateline | --at | --reason | --id | --embargo | --expires)
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    case $cmd in
        validate | import)
            _filedir
            ;;
        update | correct | withdraw | show)
            # the story id is the first operand
            local i operands=0
            for ((i = 2; i < cword; i++)); do
                [[ ${words[i]} != -* && ${words[i - 1]} != --* ]] && ((operands++))
            done
            if ((operands == 0)); then
                COMPREPLY=($(compgen -W "$(wirefeed list --root "$(_wirefeed_root)" 2>/dev/null | cut -d' ' -f1)" -- "$cur"))
                __ltrim_colon_completions "$cur"
            fi
            ;;
    esac
} &&
    complete -F _wirefeed wirefeed
