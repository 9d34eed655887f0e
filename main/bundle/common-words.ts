/**
 * Words a user name can also be: names of common accounts and everyday English words, plus every
 * word of SFTP Doctor's own texts. A user name that is one of them ("root", "backup", "admin",
 * "data"...) is anonymised only where it stands as a user name, so prose ("root cause", "back up
 * your data") keeps its words; any other user name is replaced wherever it appears as a word.
 */
import { ACTION_TEXTS, ADMIN_ASKS, ADMIN_TOPIC_ASKS, FIX_TEXTS, FOLDER_CAUSES, LOCAL_ADDRESS_TEXTS, SESSION_CAUSES, TEXTS, WRITE_CAUSES } from '../../shared/texts/index';

const ACCOUNTS =
  'root admin administrator adm user users guest test tester demo ftp sftp ftpuser sftpuser www web webmaster www-data data backup backups git svn deploy deployer ubuntu debian centos fedora ec2-user azureuser pi oracle postgres mysql nobody daemon bin sys sync mail news operator support service services info sales office upload uploads download downloads files file share shared public private dev developer prod production staging jenkins build ci app apps api server host system local remote client master main default anonymous temp tmp scanner printer media music video photos docs home transfer partner customer vendor report reports export import sync backup-user sftp-user';

const ENGLISH =
  'a an the and or but if of to in on at by for with from as is are was were be been being it its this that these those he she we they you i me my our your his her their them us not no yes all any some each every one two three first last new old good bad big small long short high low up down out over under again more most less least very can could will would shall should may might must do does did done have has had make made get got go went come came see saw say said take took give gave know knew think thought look want use used find found tell ask work worked seem feel try leave call keep let begin help show hear play run move live believe bring happen write sit stand lose pay meet include continue set learn change lead understand watch follow stop create speak read allow add spend grow open walk win offer remember love consider appear buy wait serve die send expect build stay fall cut reach kill remain suggest raise pass sell require decide return explain hope develop carry break receive agree support hit produce eat cover catch draw choose cause point time year people way day man woman child world life hand part place case week company number group problem fact night point thing name side kind head house friend hour game line end member law car city community team minute idea body information back parent face others level office door health person art war history party result morning reason research girl guy moment air teacher force education foot boy age policy everything process music market sense nation plan college interest death experience effect class control care field development role effort rate heart drug show leader light voice wife police mind price report decision son view relationship town road arm difference value building action model season society tax director position player record paper space ground form event official matter center couple site project activity star table need court oil situation cost industry figure street image phone key root cause path folder login password secret store cloud river stone rock sun moon sky snow rain wind fire water earth tree wood leaf flower rose lily daisy jack frank bill will mark rob sue pat max may june april august grant cook';

let cache: Set<string> | null = null;

function words(): Set<string> {
  if (cache) return cache;
  const set = new Set<string>([...ACCOUNTS.split(' '), ...ENGLISH.split(' ')]);
  const own = JSON.stringify([TEXTS, FIX_TEXTS, ACTION_TEXTS, ADMIN_ASKS, ADMIN_TOPIC_ASKS, LOCAL_ADDRESS_TEXTS, SESSION_CAUSES, FOLDER_CAUSES, WRITE_CAUSES]);
  for (const m of own.matchAll(/[A-Za-z][A-Za-z'-]*/g)) set.add(m[0].toLowerCase());
  cache = set;
  return set;
}

/** True for a user name that is also a common word (or one or two characters): replaced only where it stands as a user name. */
export function isCommonWord(name: string): boolean {
  return name.length <= 2 || words().has(name.toLowerCase());
}
