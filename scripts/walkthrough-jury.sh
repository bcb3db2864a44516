#!/usr/bin/env bash
# A jury session from the candidates waiting to their results, with curl, against `npm run dev`
# (another terminal): two candidacies of the accelerated demo project reach the validation file,
# the planner proposes sessions (and reports the shortage), the jury organiser composes a remote
# session one minute ahead, the members answer through the signed links of their e-mails (read
# from the mail capture), one declines and is replaced, the session convenes the candidacies,
# then the certifier posts the results grid. About two minutes.
set -euo pipefail
API=${API:-http://localhost:3000/api}
BASE=${API%/api}
MAIL=${MAIL_API:-http://localhost:8025/api/messages}
TOKENS=${TOKENS:-${DATA_DIR:-.data}/demo-tokens.json}
token() { node -p "require('$(realpath "$TOKENS")')['$1']"; }
ADV=$(token advisor) CERT=$(token certifier) COACH=$(token coach) JURY=$(token jury_organiser)
FAST=7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0002    # « Démonstration accélérée »
COACHING_OPERATOR=7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0104
TAG=$(date +%s)
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);if(v.status>=400){console.error("  refused:",v.code,"—",v.detail);process.exit(1)};console.log(eval(process.argv[1]))})' "$1"; }
post() { curl -s -X POST "$API/$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "${3:-{\}}"; }
step() { printf '\n\033[1m%s\033[0m\n' "$*"; }

candidacy() { # a candidacy of the fast project up to its validation file; prints its id
  local id
  id=$(post candidacies "$ADV" "{\"projectId\":\"$FAST\",\"rncpCode\":\"RNCP35830\",\"targetBlocks\":[\"RNCP35830BC01\",\"RNCP35830BC02\"],
    \"candidate\":{\"firstName\":\"$1\",\"lastName\":\"$2\",\"email\":\"$3\",\"phone\":\"06 11 22 33 44\",\"birthYear\":1981,
    \"qualificationLevel\":\"level3\",\"jobSituation\":\"employed\",\"employer\":\"$4\"}}" | json v.id)
  post "candidacies/$id/record-information" "$ADV" '{"eligibilityChecked":true,"rncpCode":"RNCP35830","targetBlocks":["RNCP35830BC01","RNCP35830BC02"],"profile":{"qualificationLevel":"level3","jobSituation":"employed"}}' >/dev/null
  post "candidacies/$id/submit-admissibility" "$ADV" >/dev/null
  post "candidacies/$id/decide-admissibility" "$CERT" '{"admissible":true}' >/dev/null
  post "candidacies/$id/assign-coach" "$ADV" "{\"coachOperatorId\":\"$COACHING_OPERATOR\"}" >/dev/null
  post "candidacies/$id/log-coaching-session" "$COACH" "{\"date\":\"$(date -u +%FT%TZ)\",\"durationMinutes\":90,\"modality\":\"remote\"}" >/dev/null
  post "candidacies/$id/submit-validation-file" "$COACH" | json v.phase >/dev/null
  echo "$id"
}
member() { # a member of the demo pool available at any hour; prints its id
  local days='[1,2,3,4,5,6,7].map(d=>({weekday:d,from:"00:00",to:"23:59"}))'
  post jury/members "$JURY" "$(node -e "console.log(JSON.stringify({displayName:'$1',email:'$2',profile:'$3',gender:'$4',
    qualifications:[{rncpCode:'RNCP35830',blockCodes:'all'}],ties:{employers:[],operatorIds:[],userIds:[]},
    availability:{weekly:$days,unavailableDates:[]},remote:true,homeDepartement:'93',feeCents:$5,travelCents:3000,yearlyCap:20}))")" | json v.id
}
link() { # the invitation link e-mailed to an address
  for _ in $(seq 30); do
    l=$(curl -s "$MAIL" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s).find(m=>m.to.includes(process.argv[1])&&/Invitation/.test(m.subject));const l=m&&/\/jury\/invitations\/[^\s]+/.exec(m.text);console.log(l?l[0]:"")})' "$1")
    [ -n "$l" ] && { echo "$l"; return; }
    sleep 1
  done
  echo "no invitation e-mail for $1" >&2; exit 1
}

step "1. Two candidacies reach the validation file (jury deadline in 30 min in this project)"
C1=$(candidacy Inès Moreau "ines.moreau.$TAG@exemple.fr" "Aide à Domicile 75")
C2=$(candidacy Bruno Garnier "bruno.garnier.$TAG@exemple.fr" "Services Plus")
echo "  $C1, $C2"

step "2. The planner proposes sessions over two weeks (HiGHS, checked again by the domain checker)"
post jury/plans "$JURY" "{\"projectId\":\"$FAST\",\"horizonDays\":14,\"allowRemote\":true}" |
  json '`  ${v.summary.candidates} waiting, ${v.summary.placed} placed in ${v.plan.sessions.length} session(s), ${v.summary.status} in ${v.summary.solveMs} ms\n` + v.shortages.map(s=>`  shortage ${s.rncpCode}: ${s.message}\n    ${s.suggestions.join("\n    ")}`).join("\n")'

step "3. The organiser adds three members available at any hour, and composes a remote session 90 s ahead"
MA=$(member "Claire Vidal" "claire.vidal.$TAG@exemple.fr" professional F 12000)
MB=$(member "Marc Olivier" "marc.olivier.$TAG@exemple.fr" trainer M 9000)
MC=$(member "Paul Renard" "paul.renard.$TAG@exemple.fr" trainer M 15000)
START=$(date -u -d '+90 seconds' +%FT%TZ) END=$(date -u -d '+150 seconds' +%FT%TZ)
SESSION=$(post jury/sessions "$JURY" "{\"projectId\":\"$FAST\",\"roomUrl\":\"https://visio.exemple.fr/jury/$TAG\",
  \"session\":{\"rncpCode\":\"RNCP35830\",\"startsAt\":\"$START\",\"endsAt\":\"$END\",\"modality\":\"remote\",
  \"candidacyIds\":[\"$C1\",\"$C2\"],\"memberIds\":[\"$MA\",\"$MB\"],\"presidentId\":\"$MA\"}}" | json v.id)
echo "  session $SESSION (workflow jury-session-$SESSION), invitations e-mailed"

step "4. Claire accepts and Marc declines through their links; Paul, the best replacement, is invited and accepts"
curl -s -o /dev/null -w '  Claire: %{http_code}\n' -X POST "$BASE$(link "claire.vidal.$TAG@exemple.fr")/accept"
curl -s -o /dev/null -w '  Marc: %{http_code}\n' -X POST "$BASE$(link "marc.olivier.$TAG@exemple.fr")/decline"
curl -s -o /dev/null -w '  Paul: %{http_code}\n' -X POST "$BASE$(link "paul.renard.$TAG@exemple.fr")/accept"
sleep 3
curl -s "$API/jury/sessions/$SESSION" -H "Authorization: Bearer $JURY" |
  json '`  ${v.status}: ` + v.members.map(m=>`${m.name} ${m.status}`).join(", ") + `; candidacies ` + v.candidacies.map(c=>c.status).join(", ")'

step "5. Waiting for the session to start…"
sleep $(( $(date -d "$START" +%s) - $(date +%s) + 3 ))
curl -s "$API/jury/sessions/$SESSION" -H "Authorization: Bearer $JURY" | json '`  ${v.status}`'

step "6. The certifier posts the results grid; each result goes to its candidacy"
post "jury/sessions/$SESSION/results" "$CERT" "{\"results\":[
  {\"candidacyId\":\"$C1\",\"outcome\":\"full\",\"blocks\":[{\"code\":\"RNCP35830BC01\",\"validated\":true},{\"code\":\"RNCP35830BC02\",\"validated\":true}]},
  {\"candidacyId\":\"$C2\",\"outcome\":\"partial\",\"blocks\":[{\"code\":\"RNCP35830BC01\",\"validated\":true},{\"code\":\"RNCP35830BC02\",\"validated\":false}]}],
  \"memberAttendance\":[{\"memberId\":\"$MA\",\"attendance\":\"present\"},{\"memberId\":\"$MC\",\"attendance\":\"present\"}]}" | json '`  ${v.status}`'
curl -s "$API/jury/sessions/$SESSION" -H "Authorization: Bearer $JURY" |
  json '`  cost ${v.cost.totalCents/100} €, ${v.cost.perCandidateCents/100} € per candidate, ${v.cost.perValidatedBlockCents/100} € per validated block (remote: no travel)\n  journal: ` + v.events.map(e=>e.type).join(" → ")'
for c in "$C1" "$C2"; do
  curl -s "$API/candidacies/$c" -H "Authorization: Bearer $ADV" | json '`  candidacy ${v.id}: ${v.live?.phase ?? v.phase}`'
done
step "E-mails (invitations, convocations, results): the mail UI, http://localhost:8025; the session in the Temporal UI: JurySessionStatus"
